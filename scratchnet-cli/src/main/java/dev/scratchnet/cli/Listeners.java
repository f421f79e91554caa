package dev.scratchnet.cli;

import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.TrainingListener;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The listeners {@code train} adds to a run beside its progress, metrics file and dashboard. */
final class Listeners {

    private Listeners() {
    }

    /**
     * A run whose first epoch ends near chance level (at most 3 / classes: 30% for ten digits, where every
     * preset's first epoch is above 80%) is not learning, most often from a learning rate too large for
     * it: one warning line, and training goes on (the book's own η = 100 run is such a run, on purpose).
     */
    static TrainingListener chanceWarning(PrintWriter err, int classes, float eta) {
        return new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                double accuracy = m.validationAccuracy().orElse(m.testAccuracy());
                if (m.epoch() == 1 && accuracy <= 3.0 / classes) {
                    err.printf(Locale.ROOT, "scratchnet: warning: after epoch 1 the %s accuracy is %.2f%%, near chance for"
                                    + " %d classes; the network is not learning: try a smaller --eta (now %s)%n",
                            m.validationAccuracy().isPresent() ? "validation" : "test", 100 * accuracy, classes, eta);
                    err.flush();
                }
            }
        };
    }

    /** One listener that tells each of the given ones (nulls skipped). */
    static TrainingListener all(TrainingListener... listeners) {
        List<TrainingListener> list = java.util.Arrays.stream(listeners).filter(java.util.Objects::nonNull).toList();
        return new TrainingListener() {
            @Override
            public void onBatch(int epoch, int done, int total) {
                list.forEach(l -> l.onBatch(epoch, done, total));
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                list.forEach(l -> l.onEpoch(m));
            }
        };
    }
}
