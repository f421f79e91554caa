package dev.scratchnet.nn;

import java.util.List;

/**
 * The shape of a network: its layer sizes (input first) and each non-input layer's activation.
 *
 * @param sizes       neurons per layer, input layer first, e.g. [784, 30, 10]
 * @param activations one per non-input layer; the last is the output activation
 */
public record Architecture(List<Integer> sizes, List<Activation> activations) {

    public Architecture {
        sizes = List.copyOf(sizes);
        activations = List.copyOf(activations);
        if (sizes.size() < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer, got sizes " + sizes);
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + sizes);
            }
        }
        if (activations.size() != sizes.size() - 1) {
            throw new IllegalArgumentException("need " + (sizes.size() - 1) + " activations for sizes " + sizes
                    + ", got " + activations.size());
        }
        for (int l = 0; l < activations.size() - 1; l++) {
            if (!activations.get(l).allowedInHiddenLayer()) {
                throw new IllegalArgumentException(activations.get(l).id() + " is for the output layer only");
            }
        }
        Activation out = activations.get(activations.size() - 1);
        if (!out.allowedInOutputLayer()) {
            throw new IllegalArgumentException("output activation must be sigmoid or softmax, got " + out.id());
        }
    }

    /** Sizes with one hidden activation for every hidden layer and the given output activation. */
    public static Architecture of(List<Integer> sizes, Activation hidden, Activation output) {
        Activation[] acts = new Activation[Math.max(0, sizes.size() - 1)];
        java.util.Arrays.fill(acts, hidden);
        if (acts.length > 0) {
            acts[acts.length - 1] = output;
        }
        return new Architecture(sizes, List.of(acts));
    }

    public int inputSize() {
        return sizes.get(0);
    }

    public int outputSize() {
        return sizes.get(sizes.size() - 1);
    }

    public Activation output() {
        return activations.get(activations.size() - 1);
    }

    /** Sizes as the command line writes them, e.g. {@code 784,30,10}. */
    public String sizesText() {
        return String.join(",", sizes.stream().map(String::valueOf).toList());
    }
}
