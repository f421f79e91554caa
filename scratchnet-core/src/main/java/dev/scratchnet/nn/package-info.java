/**
 * The network: layer objects ({@link dev.scratchnet.nn.Layer}; dense so far) with their named parameters,
 * activations, costs and weight initialization, and the architecture that describes them; each layer's
 * forward pass sits beside its part of the backpropagation equations BP1 to BP4 of Nielsen's chapter 2.
 *
 * <p>Shapes: a mini-batch of {@code m} examples is a row-major matrix [m × n]; a layer's weights are
 * [n_out × n_in] as in the book (w_jk joins neuron k of the previous layer to neuron j).
 *
 * <p>Depends on {@code tensor} only.
 */
package dev.scratchnet.nn;
