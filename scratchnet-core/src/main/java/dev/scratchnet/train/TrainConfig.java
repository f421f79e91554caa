package dev.scratchnet.train;

import dev.scratchnet.nn.Cost;

/**
 * How to train: plain mini-batch SGD.
 *
 * @param epochs       passes over the training data
 * @param batchSize    examples per mini-batch, m in the book
 * @param learningRate the step size η
 * @param cost         the cost C whose gradient is followed
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, Cost cost) {

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--eta must be a positive number, got " + learningRate);
        }
    }
}
