package dev.scratchnet.nn;

import dev.scratchnet.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a network: its input's shape and its layers, in order, the output layer last.
 *
 * @param input  the shape of one example, e.g. 784 × 1 × 1 for a flat MNIST image
 * @param layers the layers after the input, each with its activation
 */
public record Architecture(Shape input, List<LayerSpec> layers) implements java.io.Serializable {

    public Architecture {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer, got input "
                    + input + " alone");
        }
        for (int l = 0; l < layers.size() - 1; l++) {
            if (!layers.get(l).activation().allowedInHiddenLayer()) {
                throw new IllegalArgumentException(layers.get(l).activation().id() + " is for the output layer only");
            }
        }
        LayerSpec last = layers.get(layers.size() - 1);
        if (!(last instanceof LayerSpec.Dense)) {
            throw new IllegalArgumentException("the output layer must be dense (a number of classes), got " + last);
        }
        if (!last.activation().allowedInOutputLayer()) {
            throw new IllegalArgumentException("output activation must be sigmoid or softmax, got " + last.activation().id());
        }
        Shape shape = input;
        for (LayerSpec layer : layers) {
            Shape next = layer.outputShape(shape);
            checkSize(layer, shape, next);
            shape = next;
        }
    }

    /**
     * The most values one example may have at a layer's output ({@link #MAX_VALUES}) and in a convolution's
     * unfolded patches ({@link #MAX_PATCH_VALUES}): a model file or a {@code --layers} string describes its
     * network in a few bytes, and the buffers for it must still fit in memory.
     */
    public static final int MAX_VALUES = 1 << 24;
    public static final int MAX_PATCH_VALUES = 1 << 26;

    static void checkSize(LayerSpec layer, Shape in, Shape out) {
        if (out.size() > MAX_VALUES) {
            throw new IllegalArgumentException("layer " + layer + " would have " + out.size()
                    + " values per example; at most " + MAX_VALUES + " are allowed");
        }
        if (layer instanceof LayerSpec.Conv conv) {
            long patches = (long) in.channels() * conv.kernel() * conv.kernel() * out.rows() * out.cols();
            if (patches > MAX_PATCH_VALUES) {
                throw new IllegalArgumentException("layer " + layer + " would unfold " + patches
                        + " values per example; at most " + MAX_PATCH_VALUES + " are allowed");
            }
            long weights = (long) conv.filters() * in.channels() * conv.kernel() * conv.kernel();
            if (weights > MAX_PATCH_VALUES) {
                throw new IllegalArgumentException("layer " + layer + " would have " + weights + " weights; at most "
                        + MAX_PATCH_VALUES + " are allowed");
            }
        }
        if (layer instanceof LayerSpec.Dense && (long) in.size() * out.size() > MAX_PATCH_VALUES) {
            throw new IllegalArgumentException("layer " + layer + " would have " + (long) in.size() * out.size()
                    + " weights; at most " + MAX_PATCH_VALUES + " are allowed");
        }
    }

    /**
     * Parses the {@code --layers} grammar ({@link LayerGrammar}): e.g. {@code 784,30,10} or
     * {@code 1x28x28,conv5x5:20,maxpool2,conv5x5:40,maxpool2,100,10}, every hidden layer with the
     * {@code hidden} activation (a convolution followed by pooling hands it to the pooling layer) and the
     * last with {@code output}.
     */
    public static Architecture parse(String text, Activation hidden, Activation output) {
        return LayerGrammar.parse(text, hidden, output);
    }

    /** An input shape as the grammar's first item writes it: {@code 784} or {@code 1x28x28}. */
    public static Shape parseInput(String text) {
        return LayerGrammar.input(text.strip());
    }

    /** Whether any layer is a convolution or pooling. */
    public boolean convolutional() {
        return layers.stream().anyMatch(l -> !(l instanceof LayerSpec.Dense));
    }

    /**
     * A stack of dense layers: sizes input first, e.g. [784, 30, 10], and one activation per layer after
     * the input.
     */
    public Architecture(List<Integer> sizes, List<Activation> activations) {
        this(flatInput(sizes), dense(sizes, activations));
    }

    /** Dense sizes with one hidden activation for every hidden layer and the given output activation. */
    public static Architecture of(List<Integer> sizes, Activation hidden, Activation output) {
        Activation[] acts = new Activation[Math.max(0, sizes.size() - 1)];
        java.util.Arrays.fill(acts, hidden);
        if (acts.length > 0) {
            acts[acts.length - 1] = output;
        }
        return new Architecture(sizes, List.of(acts));
    }

    private static Shape flatInput(List<Integer> sizes) {
        if (sizes.size() < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer, got sizes " + sizes);
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + sizes);
            }
        }
        return Shape.flat(sizes.get(0));
    }

    private static List<LayerSpec> dense(List<Integer> sizes, List<Activation> activations) {
        if (activations.size() != sizes.size() - 1) {
            throw new IllegalArgumentException("need " + (sizes.size() - 1) + " activations for sizes " + sizes
                    + ", got " + activations.size());
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int l = 0; l < activations.size(); l++) {
            layers.add(new LayerSpec.Dense(sizes.get(l + 1), activations.get(l)));
        }
        return layers;
    }

    /** The shape each layer outputs, in order; the last is the network's output. */
    public List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>();
        Shape s = input;
        for (LayerSpec layer : layers) {
            s = layer.outputShape(s);
            shapes.add(s);
        }
        return shapes;
    }

    /** Whether it takes images of rows × cols: as a flat vector of their pixels, or as 1 × rows × cols. */
    public boolean takesImages(int rows, int cols) {
        return input.isFlat() ? input.size() == rows * cols : input.equals(Shape.image(rows, cols));
    }

    /** Weights and biases of every layer, counted from the specs alone (no arrays made). */
    public long parameterCount() {
        long count = 0;
        Shape s = input;
        for (LayerSpec layer : layers) {
            Shape next = layer.outputShape(s);
            if (layer instanceof LayerSpec.Dense) {
                count += (long) s.size() * next.size() + next.size();
            } else if (layer instanceof LayerSpec.Conv conv) {
                count += (long) conv.filters() * s.channels() * conv.kernel() * conv.kernel() + conv.filters();
            }
            s = next;
        }
        return count;
    }

    /**
     * Floating-point operations of the products in one training example's step: each dense or conv layer's
     * forward multiply-adds (n_in·n_out, or C_out·H_out·W_out·C_in·K·K) count 2 FLOP each, once forward
     * (z = W·a), once for its weight gradient (BP4) and, for every layer but the first, once for the gradient
     * passed back (BP2). Activations, pooling, biases and the update are not counted: the usual convention
     * for GFLOP/s figures of training.
     */
    public long trainingFlopsPerExample() {
        long flops = 0;
        Shape s = input;
        for (int l = 0; l < layers.size(); l++) {
            LayerSpec layer = layers.get(l);
            Shape next = layer.outputShape(s);
            long multiplyAdds = 0;
            if (layer instanceof LayerSpec.Dense) {
                multiplyAdds = (long) s.size() * next.size();
            } else if (layer instanceof LayerSpec.Conv conv) {
                multiplyAdds = (long) next.size() * s.channels() * conv.kernel() * conv.kernel();
            }
            flops += 2 * multiplyAdds * (l == 0 ? 2 : 3);
            s = next;
        }
        return flops;
    }

    /** Values per input example. */
    public int inputSize() {
        return input.size();
    }

    public int outputSize() {
        return shapes().get(layers.size() - 1).size();
    }

    /** The output layer's activation. */
    public Activation output() {
        return layers.get(layers.size() - 1).activation();
    }

    /** Each layer's activation, in order. */
    public List<Activation> activations() {
        return layers.stream().map(LayerSpec::activation).toList();
    }

    /** Values per example at the input and after each layer, e.g. [784, 30, 10]. */
    public List<Integer> sizes() {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(input.size());
        shapes().forEach(s -> sizes.add(s.size()));
        return sizes;
    }

    /** As the {@code --layers} flag writes it, e.g. {@code 784,30,10} or {@code 1x28x28,conv5x5:20,maxpool2,10}. */
    public String text() {
        List<String> items = new ArrayList<>();
        items.add(input.toString());
        layers.forEach(l -> items.add(l.toString()));
        return String.join(",", items);
    }
}
