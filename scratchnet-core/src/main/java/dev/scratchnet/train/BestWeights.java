package dev.scratchnet.train;

import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of the epoch with the best validation accuracy so far, by name, for early stopping. */
final class BestWeights {
    private final Network network;
    private final Map<String, float[]> parameters = new LinkedHashMap<>();
    private double accuracy = Double.NEGATIVE_INFINITY;
    private int epoch;

    BestWeights(Network network) {
        this.network = network;
    }

    /** Copies the parameters when this validation accuracy is the best yet. */
    void offer(int epoch, double validationAccuracy) {
        if (validationAccuracy > accuracy) {
            accuracy = validationAccuracy;
            this.epoch = epoch;
            for (Parameter p : network.parameters()) {
                parameters.put(p.name(), p.values().clone());
            }
        }
    }

    int epoch() {
        return epoch;
    }

    double accuracy() {
        return accuracy;
    }

    /** The best epoch's parameters by name (empty before the first offer); a new map. */
    Map<String, float[]> parameters() {
        return new LinkedHashMap<>(parameters);
    }

    void restore(Trainer.State state) {
        accuracy = state.bestAccuracy();
        epoch = state.bestEpoch();
        parameters.clear();
        parameters.putAll(state.best());
    }

    void restore(Network target) {
        for (Parameter p : target.parameters()) {
            float[] best = parameters.get(p.name());
            System.arraycopy(best, 0, p.values(), 0, best.length);
        }
    }
}
