package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.List;

/**
 * One layer of a network, for a whole mini-batch at a time: its forward pass and, beside it, its part of
 * backpropagation. A layer owns its parameters and its activation; the buffers a batch needs are planned
 * once ({@link #buffers}) so that a training step allocates nothing.
 *
 * <p>Backward takes ∂C/∂a, the gradient of the cost with respect to this layer's output (or, for the
 * output layer, δ itself from the cost's BP1), applies the activation's derivative, and produces its
 * parameters' gradients and ∂C/∂(its input) for the layer before it.
 */
public sealed interface Layer permits DenseLayer, ChunkedLayer {

    LayerSpec spec();

    Shape inputShape();

    Shape outputShape();

    default Activation activation() {
        return spec().activation();
    }

    /** The named parameters, in state_dict order (a layer without any has an empty list). */
    List<Parameter> parameters();

    /** Whether {@code --dropout} may apply to this layer's input. */
    boolean takesDropout();

    /** Draws this layer's initial parameters from the generator. */
    void initialize(Init init, java.util.Random random);

    /** The most values one example takes in any one of this layer's buffers (its output, a conv's patches). */
    default long valuesPerExample() {
        return Math.max(inputShape().size(), outputShape().size());
    }

    /** Buffers for up to {@code capacity} examples, with inverted dropout of the input at rate p (0: none). */
    default LayerBuffers buffers(int capacity, float dropout) {
        return buffers(capacity, dropout, true);
    }

    /** The same; without {@code training}, only what a forward pass needs (no δ, no gradients). */
    LayerBuffers buffers(int capacity, float dropout, boolean training);

    /** Reads {@code rows} inputs [rows × inputShape] and writes z and the activations into {@code b}. */
    void forward(Compute compute, float[] input, int rows, LayerBuffers b);

    /**
     * Backpropagates through this layer: from {@code b.delta()}, which holds ∂C/∂a (δ itself for the output
     * layer), to its parameters' gradients and, except for the first layer, ∂C/∂(input) [rows × inputShape]
     * into the previous layer's delta. With {@code stepScale} 0 the gradients are stored in the parameters;
     * otherwise they are fused into plain SGD, p ← decay·p − stepScale·∂C/∂p, for parameters that decay
     * (the book's L2 rescaling 1 − ηλ/n, eq. 93; 1 for none) and p ← p − stepScale·∂C/∂p for the rest, so
     * that no gradient is stored.
     */
    void backward(Compute compute, float[] input, int rows, LayerBuffers b, float stepScale, float decay);
}
