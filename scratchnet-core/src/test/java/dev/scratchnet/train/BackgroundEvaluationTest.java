package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An epoch evaluated while the next one trains gives the metrics of an evaluation right after it, heard in
 * epoch order on the caller's thread; and only where nothing waits on it and the pool sat idle.
 */
class BackgroundEvaluationTest {

    private static final Dataset TRAIN = TrainerTest.tiny(400, 2);
    private static final Dataset VALIDATION = TrainerTest.tiny(80, 3);
    private static final Dataset TEST = TrainerTest.tiny(90, 4);

    /** What a listener heard, in order: "batch E" for an epoch's first mini-batch, "epoch E" for its metrics. */
    private record Heard(List<String> events, List<EpochMetrics> metrics, Trainer.Result result) {
        /** Whether some epoch's metrics came only after the next epoch's first mini-batch. */
        boolean overlapped() {
            return events.indexOf("epoch 1") > events.indexOf("batch 2");
        }
    }

    private static Heard train(int hidden, int threads, TrainConfig config, boolean background) {
        Network net = Network.builder(4).hidden(hidden, Activation.SIGMOID).output(10, Activation.SIGMOID).seed(5).build();
        List<String> events = new ArrayList<>();
        List<EpochMetrics> metrics = new ArrayList<>();
        Thread caller = Thread.currentThread();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onBatch(int epoch, int done, int total) {
                if (done == config.batchSize()) {
                    events.add("batch " + epoch);
                }
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                assertThat(Thread.currentThread()).as("the listener hears on the caller's thread").isSameAs(caller);
                events.add("epoch " + m.epoch());
                metrics.add(m);
            }
        };
        try (Compute compute = new Compute(threads)) {
            Trainer.Result result = new Trainer(net, config, compute).evaluateInBackground(background)
                    .fit(new Splits(TRAIN, Optional.of(VALIDATION), TEST), new Random(7), listener, () -> false);
            return new Heard(events, metrics, result);
        }
    }

    /** The metrics without their timing. */
    private static List<List<Object>> untimed(List<EpochMetrics> metrics) {
        return metrics.stream().map(m -> List.<Object>of(m.epoch(), m.trainCost(), m.validationAccuracy(),
                m.testAccuracy(), m.examples(), m.learningRate(), m.trainAccuracy(), m.validationCost())).toList();
    }

    @Test
    void anEpochEvaluatedInTheBackgroundMeasuresWhatItWouldRightAfter() {
        TrainConfig config = new TrainConfig(4, 10, 3f, Cost.QUADRATIC).withMonitor(true);
        Heard background = train(6, 2, config, true);
        Heard inline = train(6, 2, config, false);

        assertThat(background.overlapped()).as("epoch 1 was evaluated while epoch 2 trained: %s", background.events())
                .isTrue();
        assertThat(inline.overlapped()).isFalse();
        assertThat(background.metrics()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4);
        assertThat(untimed(background.metrics())).isEqualTo(untimed(inline.metrics()));
        assertThat(untimed(background.result().epochs())).isEqualTo(untimed(inline.result().epochs()));
        assertThat(background.result().finalTestAccuracy()).isEqualTo(inline.result().finalTestAccuracy());
    }

    @Test
    void epochsAreEvaluatedRightAfterWhereSomethingWaitsOnItOrThePoolWorked() {
        TrainConfig plain = new TrainConfig(3, 10, 3f, Cost.QUADRATIC);
        assertThat(train(6, 2, plain.withEarlyStop(5), true).overlapped()).as("early stopping").isFalse();
        assertThat(train(6, 1, plain, true).overlapped()).as("one thread asked for").isFalse();
        // BP2 through the output layer, 10 × 16384 × 10 multiply-adds, is above the pool's threshold: training shares it.
        assertThat(train(16384, 2, plain, true).overlapped()).as("the pool trained too").isFalse();
    }
}
