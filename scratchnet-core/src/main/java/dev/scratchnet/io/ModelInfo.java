package dev.scratchnet.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model file says about its model besides the weights.
 *
 * @param training       how it was trained (preset, hyper-parameters, seed), as written by the trainer
 * @param dataset        the data set's name, e.g. {@code mnist}
 * @param datasetSha256  SHA-256 of the training images it was trained on
 * @param inputScaling   how inputs are scaled, e.g. {@code pixel/255, ink = 1}
 * @param classNames     the name of each output class
 * @param testAccuracy   measured test accuracy in [0, 1], or NaN when not measured
 */
public record ModelInfo(Map<String, Object> training, String dataset, String datasetSha256, String inputScaling,
                        List<String> classNames, double testAccuracy) {

    /** How every model trained on MNIST-style images scales its inputs. */
    public static final String PIXEL_SCALING = "pixel/255 in [0,1], ink = 1, paper = 0, row-major";

    /**
     * The training map keeps the trainer's order, so that a model file's bytes depend on the run alone
     * ({@code Map.copyOf} iterates in an order that changes from one JVM to the next).
     */
    public ModelInfo {
        Map<String, Object> ordered = new LinkedHashMap<>();
        training.forEach((key, value) -> ordered.put(Objects.requireNonNull(key), Objects.requireNonNull(value, key)));
        training = Collections.unmodifiableMap(ordered);
        classNames = List.copyOf(classNames);
    }
}
