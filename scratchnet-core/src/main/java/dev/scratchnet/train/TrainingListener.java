package dev.scratchnet.train;

/** Hears about training as it goes: for progress bars, metrics files and dashboards. */
public interface TrainingListener {

    /** After each mini-batch: {@code done} of {@code total} examples of this epoch are trained. */
    default void onBatch(int epoch, int done, int total) {
    }

    /** After each epoch's evaluation. */
    default void onEpoch(EpochMetrics metrics) {
    }
}
