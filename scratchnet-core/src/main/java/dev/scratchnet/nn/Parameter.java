package dev.scratchnet.nn;

import java.util.Arrays;

/**
 * One named parameter tensor of a layer, with its gradient: what optimizers, regularization, checkpoints
 * and model files iterate. Names follow PyTorch's state_dict ({@code layers.0.weight}).
 *
 * @param name     the state_dict name, unique in its network
 * @param shape    the tensor's shape, e.g. [outputs, inputs] for a dense layer's weights
 * @param values   the parameter, live (training updates it in place)
 * @param gradient ∂C/∂(parameter) of the last backpropagation that stored gradients, same length
 * @param decays   whether L1/L2 weight decay applies (weights yes, biases no, as in the book)
 */
public record Parameter(String name, int[] shape, float[] values, float[] gradient, boolean decays) {

    public Parameter {
        shape = shape.clone();
        int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (values.length != size || gradient.length != size) {
            throw new IllegalArgumentException(name + " of shape " + Arrays.toString(shape) + " needs " + size
                    + " values, got " + values.length);
        }
    }

    /** A parameter over {@code values} (kept, not copied) with a fresh zero gradient. */
    public static Parameter of(String name, int[] shape, float[] values, boolean decays) {
        return new Parameter(name, shape, values, new float[values.length], decays);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return values.length;
    }
}
