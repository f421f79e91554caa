package dev.scratchnet.nn;

import dev.scratchnet.tensor.Shape;

/**
 * One layer of an {@link Architecture}, as the {@code --layers} flag and the model file's header describe
 * it: its kind and settings, without weights. Each kind knows the shape it makes of its input and builds
 * its {@link Layer}.
 */
public sealed interface LayerSpec extends java.io.Serializable {

    /** The {@code type} key of this kind in the model file's architecture JSON. */
    String type();

    Activation activation();

    /** The shape of this layer's output for the given input, or a message saying why it cannot take it. */
    Shape outputShape(Shape input);

    /** A layer of this spec for that input, with zero parameters named {@code layers.<index>.*}. */
    Layer build(Shape input, int index);

    /** This spec with another activation (the grammar gives every hidden layer the same one). */
    LayerSpec withActivation(Activation activation);

    /**
     * A fully connected layer of {@code outputs} neurons: JSON {@code {"type": "dense", "inputs": n_in,
     * "outputs": n_out, "activation": id}}; any input shape is taken as a flat vector.
     */
    record Dense(int outputs, Activation activation) implements LayerSpec {

        public Dense {
            if (outputs < 1) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + outputs);
            }
        }

        @Override
        public String type() {
            return "dense";
        }

        @Override
        public Shape outputShape(Shape input) {
            return Shape.flat(outputs);
        }

        @Override
        public Layer build(Shape input, int index) {
            return new DenseLayer(index, input.size(), outputs, activation);
        }

        @Override
        public LayerSpec withActivation(Activation activation) {
            return new Dense(outputs, activation);
        }

        @Override
        public String toString() {
            return String.valueOf(outputs);
        }
    }

    /**
     * A convolution of {@code filters} filters of kernel × kernel over every input channel, moved by
     * {@code stride} over the input padded with {@code padding} zeros on each side: output
     * filters × ⌊(H + 2P − K)/S⌋ + 1 × ⌊(W + 2P − K)/S⌋ + 1. JSON {@code {"type": "conv", "filters": F,
     * "kernel": K, "stride": S, "padding": P, "activation": id}}; grammar {@code convKxK:F[:sS][:pP]}.
     */
    record Conv(int kernel, int filters, int stride, int padding, Activation activation) implements LayerSpec {

        public Conv {
            if (kernel < 1 || filters < 1 || stride < 1 || padding < 0) {
                throw new IllegalArgumentException("a convolution needs a positive kernel, filter count and stride "
                        + "and a padding of 0 or more");
            }
            if (padding > kernel / 2) {
                throw new IllegalArgumentException("a padding of " + padding + " is more than half the " + kernel
                        + "x" + kernel + " kernel, so some outputs would see only zeros; use at most " + kernel / 2);
            }
        }

        @Override
        public String type() {
            return "conv";
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.isFlat()) {
                throw new IllegalArgumentException("a convolution needs an image (channels x rows x cols), not the "
                        + "flat vector " + input + "; give the input as 1x28x28 and put dense layers last");
            }
            if (input.rows() + 2 * padding < kernel || input.cols() + 2 * padding < kernel) {
                throw new IllegalArgumentException("its " + kernel + "x" + kernel + " kernel is larger than its input "
                        + input + (padding > 0 ? " padded by " + padding : ""));
            }
            return new Shape(filters, (input.rows() + 2 * padding - kernel) / stride + 1,
                    (input.cols() + 2 * padding - kernel) / stride + 1);
        }

        @Override
        public Layer build(Shape input, int index) {
            return new ConvLayer(index, this, input);
        }

        @Override
        public LayerSpec withActivation(Activation activation) {
            return new Conv(kernel, filters, stride, padding, activation);
        }

        @Override
        public String toString() {
            return "conv" + kernel + "x" + kernel + ":" + filters + (stride != 1 ? ":s" + stride : "")
                    + (padding != 0 ? ":p" + padding : "");
        }
    }

    /**
     * Max-pooling over window × window blocks of each channel, stride window: output
     * C × ⌊H/K⌋ × ⌊W/K⌋, then its activation (the preceding convolution's, so that the pair computes
     * σ(maxpool(conv(x)) + b) as network3.py does). JSON {@code {"type": "maxpool", "window": K,
     * "activation": id}}; grammar {@code maxpoolK}.
     */
    record MaxPool(int window, Activation activation) implements LayerSpec {

        public MaxPool {
            if (window < 1) {
                throw new IllegalArgumentException("a pooling window must be positive, got " + window);
            }
        }

        @Override
        public String type() {
            return "maxpool";
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.isFlat()) {
                throw new IllegalArgumentException("pooling needs an image (channels x rows x cols), not the flat "
                        + "vector " + input + "; give the input as 1x28x28 and put dense layers last");
            }
            if (input.rows() < window || input.cols() < window) {
                throw new IllegalArgumentException("its " + window + "x" + window + " window is larger than its input "
                        + input);
            }
            return new Shape(input.channels(), input.rows() / window, input.cols() / window);
        }

        @Override
        public Layer build(Shape input, int index) {
            return new MaxPoolLayer(this, input);
        }

        @Override
        public LayerSpec withActivation(Activation activation) {
            return new MaxPool(window, activation);
        }

        @Override
        public String toString() {
            return "maxpool" + window;
        }
    }
}
