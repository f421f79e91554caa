/**
 * The network: dense layers, activations, costs and weight initialization, with the forward pass and the
 * backpropagation equations BP1 to BP4 of Nielsen's chapter 2.
 *
 * <p>Shapes: a mini-batch of {@code m} examples is a row-major matrix [m × n]; a layer's weights are
 * [n_out × n_in] as in the book (w_jk joins neuron k of the previous layer to neuron j).
 *
 * <p>Depends on {@code tensor} only.
 */
package dev.scratchnet.nn;
