package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;

/**
 * A layer that works on a mini-batch chunk by chunk ({@link Patches}): conv and pooling. Chunk j of its
 * output depends only on chunk j of its input, and chunk j of ∂C/∂input only on chunk j of δ, so a
 * {@link ChunkedStack} of such layers can take each chunk through all of them in turn. A pass is: begin
 * (addresses and whole-batch work whose data is already there), the chunks in any order and on any thread,
 * then end (whole-batch work after them, and the fused step). {@link Layer#forward} and
 * {@link Layer#backward} are the same three for this one layer.
 */
sealed interface ChunkedLayer extends Layer permits ConvLayer, MaxPoolLayer {

    /** Before the chunks of a forward pass of {@code rows} examples from {@code input}. */
    void beginForward(Compute compute, float[] input, int rows, LayerBuffers b);

    /** Chunk j of the forward pass; its input's chunk j is written. */
    void forwardChunk(LayerBuffers b, int j);

    /** After every chunk of the forward pass. */
    void endForward(Compute compute, LayerBuffers b);

    /** Before the chunks of backpropagation over the rows of the last forward pass. */
    void beginBackward(Compute compute, LayerBuffers b);

    /** Chunk j of backpropagation; chunk j of this layer's δ (∂C/∂a) is written. */
    void backwardChunk(LayerBuffers b, int j);

    /** After every chunk: the gradients summed over the chunks, and the step when stepScale is not 0. */
    void endBackward(Compute compute, LayerBuffers b, float stepScale, float decay);
}
