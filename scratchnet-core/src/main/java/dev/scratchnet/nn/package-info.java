/**
 * The network: layer objects ({@link dev.scratchnet.nn.Layer}: dense, conv and max-pooling) with their named
 * parameters, activations, costs and weight initialization, and the architecture that describes them; each
 * layer's forward pass sits beside its part of the backpropagation equations BP1 to BP4 of Nielsen's
 * chapter 2. Consecutive conv and pooling layers run chunk by chunk as one {@code ChunkedStack}.
 *
 * <p>Shapes: a mini-batch of {@code m} examples is a row-major matrix [m × n]; a dense layer's weights are
 * [n_out × n_in] as in the book (w_jk joins neuron k of the previous layer to neuron j), a conv layer's
 * [F × C × K × K]; between conv and pooling layers the batch is innermost ({@code Patches}).
 *
 * <p>Depends on {@code tensor} only.
 */
package dev.scratchnet.nn;
