package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A feed-forward network: a list of {@link Layer}s, each feeding the next.
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
    private final List<Layer> layers;
    private final List<Parameter> parameters;
    private final int inputSize;
    private final int outputSize;
    /** The most values one buffer of a workspace may hold (512 MiB of floats). */
    public static final long MAX_BUFFER = 1L << 27;

    /** The most values one example takes in any buffer of any layer. */
    public long valuesPerExample() {
        return layers.stream().mapToLong(Layer::valuesPerExample).max().orElse(1);
    }

    /** The largest mini-batch whose buffers stay within {@link #MAX_BUFFER} values each. */
    public int maxBatch() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, MAX_BUFFER / valuesPerExample()));
    }

    /** Rows per pass of {@link #predict(float[][])}: a convolution's unfolded patches grow with the batch. */
    static final int PREDICT_BATCH = 256;
    /** Single-threaded: inference runs on the caller's thread, so concurrent callers never wait on a pool. */
    private final Compute inference = new Compute(1);

    /** A network of the given shape with all parameters zero. */
    public Network(Architecture architecture) {
        this.architecture = architecture;
        List<Layer> built = new ArrayList<>();
        Shape shape = architecture.input();
        List<LayerSpec> specs = architecture.layers();
        for (int l = 0; l < specs.size(); l++) {
            boolean inner = l > 0 && spatial(specs.get(l - 1));
            boolean outer = l + 1 < specs.size() && spatial(specs.get(l + 1));
            Layer layer = build(specs.get(l), shape, l, inner, outer);
            built.add(layer);
            shape = layer.outputShape();
        }
        this.layers = List.copyOf(built);
        List<Parameter> all = new ArrayList<>();
        layers.forEach(layer -> all.addAll(layer.parameters()));
        this.parameters = List.copyOf(all);
        this.inputSize = architecture.inputSize();
        this.outputSize = shape.size();
    }

    private static boolean spatial(LayerSpec spec) {
        return spec instanceof LayerSpec.Conv || spec instanceof LayerSpec.MaxPool;
    }

    /**
     * Layer l; a conv or pooling layer next to another keeps the batch innermost on that side (one example
     * per row only where it meets the input or a dense layer), so that unfolding copies long runs.
     */
    private static Layer build(LayerSpec spec, Shape input, int index, boolean innerIn, boolean innerOut) {
        if (spec instanceof LayerSpec.Conv conv) {
            return new ConvLayer(index, conv, input, innerIn, innerOut);
        }
        if (spec instanceof LayerSpec.MaxPool pool) {
            return new MaxPoolLayer(pool, input, innerIn, innerOut);
        }
        return spec.build(input, index);
    }

    /** A freshly initialized network of the given shape, layer by layer from the generator. */
    public static Network create(Architecture architecture, Init init, Random random) {
        Network network = new Network(architecture);
        for (Layer layer : network.layers) {
            layer.initialize(init, random);
        }
        return network;
    }

    public static Builder builder(int inputs) {
        return new Builder(inputs);
    }

    public Architecture architecture() {
        return architecture;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Every layer's parameters, in state_dict order: layers.0.weight, layers.0.bias, layers.1.weight, ... */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameter of that state_dict name. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("this network has no parameter " + name + "; it has "
                + parameters.stream().map(Parameter::name).toList());
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return outputSize;
    }

    /** The output activations (for a softmax output, class probabilities) for one input. */
    public float[] predict(float[] input) {
        return predict(new float[][] {input})[0];
    }

    /** The output activations for each input, computed in mini-batches of up to {@link #PREDICT_BATCH}. */
    public float[][] predict(float[][] inputs) {
        int rows = inputs.length;
        float[][] result = new float[rows][];
        Workspace ws = new Workspace(this, Math.max(1, Math.min(rows, Math.min(PREDICT_BATCH, maxBatch()))));
        float[] x = new float[ws.capacity() * inputSize()];
        for (int from = 0; from < rows; from += ws.capacity()) {
            int count = Math.min(ws.capacity(), rows - from);
            for (int r = 0; r < count; r++) {
                if (inputs[from + r].length != inputSize()) {
                    throw new IllegalArgumentException("input " + (from + r) + " has " + inputs[from + r].length
                            + " values; this network takes " + inputSize());
                }
                System.arraycopy(inputs[from + r], 0, x, r * inputSize(), inputSize());
            }
            float[] out = forward(inference, x, count, ws);
            for (int r = 0; r < count; r++) {
                result[from + r] = java.util.Arrays.copyOfRange(out, r * outputSize(), (r + 1) * outputSize());
            }
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
            result[l] = ws.a(l).clone();
        }
        return result;
    }

    /** The index of the largest output: the predicted class. */
    public int classify(float[] input) {
        return argmax(predict(input), 0, outputSize());
    }

    /** Feeds {@code rows} inputs x [rows × inputSize] forward; returns the output activations [rows × outputSize]. */
    public float[] forward(Compute compute, float[] x, int rows, Workspace ws) {
        float[] input = x;
        for (int l = 0; l < layers.size(); l++) {
            ChunkedStack stack = ws.stacks[l];
            if (stack != null) { // conv and pooling layers, chunk by chunk through all of them
                stack.forward(compute, input, rows);
                l = stack.last();
            } else {
                layers.get(l).forward(compute, input, rows, ws.layers[l]);
            }
            input = ws.layers[l].output;
        }
        return input;
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

    /**
     * Every layer's buffers for up to {@code capacity} rows: weighted inputs z, activations and errors, planned
     * once so that passes over batches allocate nothing.
     */
    public static final class Workspace {
        final LayerBuffers[] layers;
        /** For each layer, the stack of conv and pooling layers it runs in, or null. */
        final ChunkedStack[] stacks;
        private final int capacity;

        /** For forward passes alone: no δ or gradient buffers. */
        public Workspace(Network network, int capacity) {
            this(network, capacity, 0f, false);
        }

        /**
         * For training: with inverted dropout at rate p on the input of every layer that takes it, except
         * the first, and the buffers of backpropagation.
         */
        Workspace(Network network, int capacity, float dropout) {
            this(network, capacity, dropout, true);
        }

        private Workspace(Network network, int capacity, float dropout, boolean training) {
            if ((long) capacity * network.valuesPerExample() > MAX_BUFFER) {
                throw new IllegalArgumentException("a mini-batch of " + capacity + " examples of this network needs "
                        + capacity * network.valuesPerExample() + " values in one buffer, over the " + MAX_BUFFER
                        + " allowed; use a mini-batch of at most " + network.maxBatch() + " (--batch)");
            }
            this.capacity = capacity;
            layers = new LayerBuffers[network.layers.size()];
            for (int l = 0; l < layers.length; l++) {
                Layer layer = network.layers.get(l);
                layers[l] = layer.buffers(capacity, l > 0 && layer.takesDropout() ? dropout : 0f, training);
                layers[l].inputGradient = l > 0 ? layers[l - 1].delta : null;
            }
            layers[layers.length - 1].deltaGiven = true;
            stacks = ChunkedStack.of(network.layers, layers);
        }

        public int capacity() {
            return capacity;
        }

        /** Layer l's buffers (0 = first non-input layer). */
        public LayerBuffers layer(int l) {
            return layers[l];
        }

        /** The weighted inputs of layer l (0 = first non-input layer). */
        public float[] z(int l) {
            return layers[l].z;
        }

        /** The activations of layer l (0 = first non-input layer). */
        public float[] a(int l) {
            return layers[l].output;
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
