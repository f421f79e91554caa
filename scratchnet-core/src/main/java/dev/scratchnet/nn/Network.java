package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A feed-forward network of dense layers.
 *
 * <p>Prediction is safe from many threads at once: each call works in its own buffers, and weights are only
 * read (do not train the same network while predicting from it).
 *
 * <pre>{@code
 * Network net = Network.builder(784).hidden(30, Activation.SIGMOID).output(10, Activation.SOFTMAX).seed(1).build();
 * float[] probabilities = net.predict(image);
 * }</pre>
 */
public final class Network {

    private final Architecture architecture;
    private final List<DenseLayer> layers;
    /** Single-threaded: inference runs on the caller's thread, so concurrent callers never wait on a pool. */
    private final Compute inference = new Compute(1);

    /** A network over the given layers, which must chain (each layer's inputs = the previous one's outputs). */
    public Network(List<DenseLayer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        List<Integer> sizes = new ArrayList<>();
        List<Activation> activations = new ArrayList<>();
        sizes.add(layers.get(0).inputs());
        for (DenseLayer layer : layers) {
            if (layer.inputs() != sizes.get(sizes.size() - 1)) {
                throw new IllegalArgumentException("layer with " + layer.inputs() + " inputs follows a layer of "
                        + sizes.get(sizes.size() - 1) + " neurons");
            }
            sizes.add(layer.outputs());
            activations.add(layer.activation());
        }
        this.architecture = new Architecture(sizes, activations);
        this.layers = List.copyOf(layers);
    }

    /** A freshly initialized network of the given shape. */
    public static Network create(Architecture architecture, Init init, Random random) {
        List<DenseLayer> layers = new ArrayList<>();
        List<Integer> sizes = architecture.sizes();
        for (int l = 1; l < sizes.size(); l++) {
            DenseLayer layer = new DenseLayer(sizes.get(l - 1), sizes.get(l), architecture.activations().get(l - 1));
            init.fill(layer.weights(), layer.biases(), layer.inputs(), random);
            layers.add(layer);
        }
        return new Network(layers);
    }

    public static Builder builder(int inputs) {
        return new Builder(inputs);
    }

    public Architecture architecture() {
        return architecture;
    }

    public List<DenseLayer> layers() {
        return layers;
    }

    public int inputSize() {
        return architecture.inputSize();
    }

    public int outputSize() {
        return architecture.outputSize();
    }

    /** The output activations (for a softmax output, class probabilities) for one input. */
    public float[] predict(float[] input) {
        return predict(new float[][] {input})[0];
    }

    /** The output activations for each input, computed as one mini-batch. */
    public float[][] predict(float[][] inputs) {
        int rows = inputs.length;
        float[] x = new float[rows * inputSize()];
        for (int r = 0; r < rows; r++) {
            if (inputs[r].length != inputSize()) {
                throw new IllegalArgumentException("input " + r + " has " + inputs[r].length
                        + " values; this network takes " + inputSize());
            }
            System.arraycopy(inputs[r], 0, x, r * inputSize(), inputSize());
        }
        Workspace ws = new Workspace(this, rows);
        float[] out = forward(inference, x, rows, ws);
        float[][] result = new float[rows][];
        for (int r = 0; r < rows; r++) {
            result[r] = java.util.Arrays.copyOfRange(out, r * outputSize(), (r + 1) * outputSize());
        }
        return result;
    }

    /** Every layer's activations for one input, the output layer's last (each a fresh array). */
    public float[][] activations(float[] input) {
        if (input.length != inputSize()) {
            throw new IllegalArgumentException("input has " + input.length + " values; this network takes " + inputSize());
        }
        Workspace ws = new Workspace(this, 1);
        forward(inference, input, 1, ws);
        float[][] result = new float[layers.size()][];
        for (int l = 0; l < layers.size(); l++) {
            result[l] = ws.a[l].clone();
        }
        return result;
    }

    /** The index of the largest output: the predicted class. */
    public int classify(float[] input) {
        return argmax(predict(input), 0, outputSize());
    }

    /** Feeds {@code rows} inputs x [rows × inputSize] forward; returns the output activations [rows × outputSize]. */
    public float[] forward(Compute compute, float[] x, int rows, Workspace ws) {
        float[] aPrev = x;
        for (int l = 0; l < layers.size(); l++) {
            layers.get(l).forward(compute, aPrev, ws.z[l], ws.a[l], rows);
            aPrev = ws.a[l];
        }
        return aPrev;
    }

    /** The index of the largest of {@code values[from .. from+count)}; the first one on ties. */
    public static int argmax(float[] values, int from, int count) {
        int best = 0;
        for (int j = 1; j < count; j++) {
            if (values[from + j] > values[from + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Buffers for the weighted inputs z and activations a of every layer, for up to {@code capacity} rows. */
    public static final class Workspace {
        final float[][] z;
        final float[][] a;
        private final int capacity;

        public Workspace(Network network, int capacity) {
            int n = network.layers.size();
            this.capacity = capacity;
            z = new float[n][];
            a = new float[n][];
            for (int l = 0; l < n; l++) {
                int size = capacity * network.layers.get(l).outputs();
                z[l] = new float[size];
                a[l] = new float[size];
            }
        }

        public int capacity() {
            return capacity;
        }

        /** The weighted inputs of layer l (0 = first non-input layer). */
        public float[] z(int l) {
            return z[l];
        }

        /** The activations of layer l (0 = first non-input layer). */
        public float[] a(int l) {
            return a[l];
        }
    }

    /**
     * Builds a network layer by layer. Defaults: seed 1, and the initialization that suits the first hidden
     * activation ({@link Init#defaultFor}: he for ReLU, xavier otherwise) unless {@link #init} says otherwise.
     */
    public static final class Builder {
        private final List<Integer> sizes = new ArrayList<>();
        private final List<Activation> activations = new ArrayList<>();
        private Init init;
        private long seed = 1;

        private Builder(int inputs) {
            sizes.add(inputs);
        }

        public Builder hidden(int neurons, Activation activation) {
            sizes.add(neurons);
            activations.add(activation);
            return this;
        }

        public Builder output(int neurons, Activation activation) {
            return hidden(neurons, activation);
        }

        public Builder init(Init init) {
            this.init = init;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Builds from a generator seeded with {@link #seed}. */
        public Network build() {
            return build(new Random(seed));
        }

        /** Builds, drawing the initial weights from the given generator (which a trainer may then go on using). */
        public Network build(Random random) {
            Init chosen = init != null ? init : activations.isEmpty() ? Init.FAN_IN : Init.defaultFor(activations.get(0));
            return create(new Architecture(sizes, activations), chosen, random);
        }
    }
}
