package dev.scratchnet.train;

import dev.scratchnet.nn.Network;
import java.util.function.BooleanSupplier;

/**
 * One epoch's training done somewhere other than the {@link Trainer}'s own mini-batch loop: by workers of
 * data-parallel training (scratchnet-spark's parameter averaging). It starts from the network's parameters
 * and the optimizer's state and leaves the epoch's result in them; the trainer evaluates, checkpoints and
 * schedules around it as for a local epoch.
 */
public interface EpochRunner {

    /** One epoch's training: the summed cost, the examples seen, and whether a stop was requested. */
    record Pass(double cost, int done, boolean stopped) {
    }

    /**
     * Trains epoch {@code epoch} (from 1) at step size {@code eta}, telling the listener of its progress and
     * checking {@code stopRequested} as it goes; a whole epoch is every training example once.
     */
    Pass train(Network network, Optimizer optimizer, int epoch, float eta, TrainingListener listener,
               BooleanSupplier stopRequested);
}
