package dev.scratchnet.train;

import java.util.OptionalDouble;

/**
 * What one epoch measured.
 *
 * @param epoch              1-based
 * @param trainCost          the mean cost C₀ per training example, taken on each mini-batch before its update
 * @param validationAccuracy the fraction of validation examples classified right, when there is a validation set
 * @param testAccuracy       the fraction of test examples classified right
 * @param seconds            training time of the epoch (shuffling included, evaluation excluded)
 * @param examples           training examples seen this epoch (fewer than the set when stopped early)
 * @param learningRate       η used this epoch
 * @param trainAccuracy      with monitoring: the fraction of training examples classified right after the epoch
 * @param validationCost     with monitoring: the mean cost C₀ per validation example (no regularization term)
 */
public record EpochMetrics(int epoch, double trainCost, OptionalDouble validationAccuracy, double testAccuracy,
                           double seconds, int examples, double learningRate, OptionalDouble trainAccuracy,
                           OptionalDouble validationCost) {

    /** The metrics under the metrics file's key names; absent values are left out. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("epoch", epoch);
        map.put("train_cost", trainCost);
        validationAccuracy.ifPresent(v -> map.put("validation_accuracy", v));
        map.put("test_accuracy", testAccuracy);
        trainAccuracy.ifPresent(v -> map.put("train_accuracy", v));
        validationCost.ifPresent(v -> map.put("validation_cost", v));
        map.put("learning_rate", learningRate);
        map.put("examples", examples);
        map.put("seconds", seconds);
        map.put("examples_per_second", examples / Math.max(seconds, 1e-9));
        return map;
    }
}
