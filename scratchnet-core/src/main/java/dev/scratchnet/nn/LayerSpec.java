package dev.scratchnet.nn;

import dev.scratchnet.tensor.Shape;

/**
 * One layer of an {@link Architecture}, as the {@code --layers} flag and the model file's header describe
 * it: its kind and settings, without weights. Each kind knows the shape it makes of its input and builds
 * its {@link Layer}.
 */
public sealed interface LayerSpec {

    /** The {@code type} key of this kind in the model file's architecture JSON. */
    String type();

    Activation activation();

    /** The shape of this layer's output for the given input, or a message saying why it cannot take it. */
    Shape outputShape(Shape input);

    /** A layer of this spec for that input, with zero parameters named {@code layers.<index>.*}. */
    Layer build(Shape input, int index);

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
        public String toString() {
            return String.valueOf(outputs);
        }
    }
}
