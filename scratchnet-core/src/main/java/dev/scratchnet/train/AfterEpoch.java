package dev.scratchnet.train;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a {@link Trainer} run does after each epoch's evaluation: keeps the metrics and tells the listener,
 * then early stopping, the schedule's decision and the checkpoint.
 */
record AfterEpoch(List<EpochMetrics> history, TrainingListener listener, BestWeights best, Schedule.Rate rate,
                  int[] order, Consumer<Trainer.State> afterEpoch) {

    /** Adds an epoch's metrics (none when null) to the history and tells the listener. */
    void deliver(EpochMetrics metrics) {
        if (metrics != null) {
            history.add(metrics);
            listener.onEpoch(metrics);
        }
    }

    /** Delivers the metrics of an epoch that trained on {@code done} examples, then decides; true to stop. */
    boolean record(EpochMetrics metrics, int done, Optimizer optimizer, int earlyStop) {
        deliver(metrics);
        double validation = metrics.validationAccuracy().orElse(Double.NaN);
        boolean stop = false;
        if (earlyStop > 0) {
            best.offer(metrics.epoch(), validation);
            stop = metrics.epoch() - best.epoch() >= earlyStop;
        }
        stop |= rate.afterEpoch(validation);
        if (afterEpoch != null && done == order.length) { // stopped mid-epoch, the last state handed on stays the last whole epoch's
            afterEpoch.accept(new Trainer.State(List.copyOf(history), optimizer.state(), order.clone(), rate.state(),
                    best.accuracy(), best.epoch(), best.parameters()));
        }
        return stop;
    }
}
