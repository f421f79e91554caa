package dev.scratchnet.train;

import dev.scratchnet.nn.Network;

/** The weights of the epoch with the best validation accuracy so far, for early stopping. */
final class BestWeights {
    private final Network network;
    private final float[][] weights;
    private final float[][] biases;
    private double accuracy = Double.NEGATIVE_INFINITY;
    private int epoch;

    BestWeights(Network network) {
        this.network = network;
        int n = network.layers().size();
        weights = new float[n][];
        biases = new float[n][];
    }

    /** Copies the weights when this validation accuracy is the best yet. */
    void offer(int epoch, double validationAccuracy) {
        if (validationAccuracy > accuracy) {
            accuracy = validationAccuracy;
            this.epoch = epoch;
            for (int l = 0; l < weights.length; l++) {
                weights[l] = network.layers().get(l).weights().clone();
                biases[l] = network.layers().get(l).biases().clone();
            }
        }
    }

    int epoch() {
        return epoch;
    }

    double accuracy() {
        return accuracy;
    }

    /** The best epoch's weights per layer (null before the first offer); a new outer array. */
    float[][] weights() {
        return weights.clone();
    }

    float[][] biases() {
        return biases.clone();
    }

    void restore(Trainer.State state) {
        accuracy = state.bestAccuracy();
        epoch = state.bestEpoch();
        for (int l = 0; l < weights.length; l++) {
            weights[l] = state.bestWeights()[l];
            biases[l] = state.bestBiases()[l];
        }
    }

    void restore(Network target) {
        for (int l = 0; l < weights.length; l++) {
            System.arraycopy(weights[l], 0, target.layers().get(l).weights(), 0, weights[l].length);
            System.arraycopy(biases[l], 0, target.layers().get(l).biases(), 0, biases[l].length);
        }
    }
}
