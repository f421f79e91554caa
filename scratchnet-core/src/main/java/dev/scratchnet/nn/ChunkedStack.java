package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import java.util.List;

/**
 * Consecutive conv and pooling layers run depth first: each thread takes the next chunk of the mini-batch
 * through every layer of the stack, forward (first to last) or backward (last to first), while that chunk's
 * buffers are still in its core's cache, and the threads meet once per stack rather than once per layer.
 * Each layer does the same work on a chunk as when it runs alone, and sums its gradients over the chunks
 * in chunk order at the end, so the results are bit for bit those of running the layers one by one.
 */
final class ChunkedStack {

    private final ChunkedLayer[] layers;
    private final LayerBuffers[] buffers;
    private final int first;
    private final Compute.Parts forward = this::forwardChunks;
    private final Compute.Parts backward = this::backwardChunks;

    private ChunkedStack(List<Layer> network, LayerBuffers[] all, int first, int last) {
        this.first = first;
        this.layers = new ChunkedLayer[last - first + 1];
        this.buffers = new LayerBuffers[layers.length];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = (ChunkedLayer) network.get(first + i);
            buffers[i] = all[first + i];
        }
    }

    /** For each layer, the stack it belongs to, or null for a dense layer. */
    static ChunkedStack[] of(List<Layer> network, LayerBuffers[] buffers) {
        ChunkedStack[] stacks = new ChunkedStack[network.size()];
        for (int l = 0; l < network.size(); l++) {
            if (network.get(l) instanceof ChunkedLayer) {
                int last = l;
                while (last + 1 < network.size() && network.get(last + 1) instanceof ChunkedLayer) {
                    last++;
                }
                ChunkedStack stack = new ChunkedStack(network, buffers, l, last);
                for (; l <= last; l++) {
                    stacks[l] = stack;
                }
                l = last;
            }
        }
        return stacks;
    }

    /** The index in the network of the stack's first layer. */
    int first() {
        return first;
    }

    /** The index in the network of the stack's last layer. */
    int last() {
        return first + layers.length - 1;
    }

    /** The forward pass of {@code rows} examples from {@code input} through the stack. */
    void forward(Compute compute, float[] input, int rows) {
        float[] x = input;
        for (int i = 0; i < layers.length; i++) {
            layers[i].beginForward(compute, x, rows, buffers[i]);
            x = buffers[i].output;
        }
        compute.forEachItem(Patches.chunks(rows), forward);
        for (int i = 0; i < layers.length; i++) {
            layers[i].endForward(compute, buffers[i]);
        }
    }

    /** Backpropagation through the stack, from the δ of its last layer; see {@link Layer#backward}. */
    void backward(Compute compute, int rows, float stepScale, float decay) {
        for (int i = layers.length - 1; i >= 0; i--) {
            layers[i].beginBackward(compute, buffers[i]);
        }
        compute.forEachItem(Patches.chunks(rows), backward);
        for (int i = layers.length - 1; i >= 0; i--) {
            layers[i].endBackward(compute, buffers[i], stepScale, decay);
        }
    }

    private void forwardChunks(int from, int to) {
        for (int j = from; j < to; j++) {
            for (int i = 0; i < layers.length; i++) {
                layers[i].forwardChunk(buffers[i], j);
            }
        }
    }

    private void backwardChunks(int from, int to) {
        for (int j = from; j < to; j++) {
            for (int i = layers.length - 1; i >= 0; i--) {
                layers[i].backwardChunk(buffers[i], j);
            }
        }
    }
}
