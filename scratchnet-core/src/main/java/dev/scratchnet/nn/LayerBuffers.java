package dev.scratchnet.nn;

import dev.scratchnet.tensor.SplitMix64;

/**
 * One layer's buffers for a mini-batch of up to {@code capacity} examples (one example per row, [rows ×
 * values], except between two conv or pooling layers, where the batch is innermost, [values × rows], chunk
 * by chunk; see {@link Patches}): weighted inputs z, activations
 * a (the output), ∂C/∂a turned into δ by backpropagation, and, with dropout, the input mask and the
 * masked input. A network's {@link Network.Workspace} wires them together: {@code inputGradient} is the
 * previous layer's {@code delta}, where backpropagation leaves ∂C/∂(this layer's input) (null for the
 * first layer, which has no one to pass it to), and the output layer's {@code delta} arrives as δ from the
 * cost (BP1) rather than as ∂C/∂a.
 */
public sealed class LayerBuffers permits ConvLayer.Buffers, MaxPoolLayer.Buffers {

    final float[] z;
    final float[] output;
    final float[] delta;
    final float dropout;
    final float[] mask;
    final float[] dropped;
    /** A layer's own scratch arrays (a convolution's unfolded patches, say), sized by the layer. */
    final float[][] work;
    /** A layer's own indices (max-pooling's winners), sized by the layer. */
    final int[] indices;
    float[] inputGradient;
    boolean deltaGiven;
    /** The examples of the last forward pass of a conv or pooling layer (set by its begin). */
    int rows;
    private final int capacity;

    LayerBuffers(int capacity, int inputSize, int outputSize, float dropout, boolean training) {
        this(capacity, inputSize, outputSize, dropout, new int[0], 0, training);
    }

    /**
     * With scratch arrays of the given lengths and {@code indexCount} indices; without {@code training},
     * no δ (a forward pass alone needs none).
     */
    LayerBuffers(int capacity, int inputSize, int outputSize, float dropout, int[] workSizes, int indexCount,
                 boolean training) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        this.capacity = capacity;
        this.z = new float[capacity * outputSize];
        this.output = new float[capacity * outputSize];
        this.delta = new float[training ? capacity * outputSize : 0];
        this.dropout = dropout;
        this.mask = dropout > 0f ? new float[capacity * inputSize] : null;
        this.dropped = dropout > 0f ? new float[capacity * inputSize] : null;
        this.work = new float[workSizes.length][];
        for (int i = 0; i < workSizes.length; i++) {
            work[i] = new float[workSizes[i]];
        }
        this.indices = new int[indexCount];
    }

    public int capacity() {
        return capacity;
    }

    /** The weighted inputs z [rows × outputs]. */
    public float[] z() {
        return z;
    }

    /** The activations a = σ(z) [rows × outputs]. */
    public float[] output() {
        return output;
    }

    /** ∂C/∂a, then δ = ∂C/∂z, during backpropagation [rows × outputs]. */
    public float[] delta() {
        return delta;
    }

    /**
     * Draws the input mask r ∈ {0, 1/(1 − p)} for {@code rows} examples: an input is dropped when the top 24
     * bits of the next draw fall below p·2²⁴. Nothing when there is no dropout.
     */
    void drawMask(SplitMix64 draws, int rows) {
        if (mask == null) {
            return;
        }
        float keep = 1f / (1f - dropout);
        long threshold = (long) (dropout * (1L << 24));
        int count = rows * (mask.length / capacity);
        for (int i = 0; i < count; i++) {
            mask[i] = (draws.nextLong() >>> 40) < threshold ? 0f : keep;
        }
    }

    /** The input as the layer sees it: ã = a ⊙ r with dropout, else the input itself. */
    float[] dropInput(float[] input, int rows) {
        if (mask == null) {
            return input;
        }
        int count = rows * (mask.length / capacity);
        for (int i = 0; i < count; i++) {
            dropped[i] = input[i] * mask[i]; // ã = a ⊙ r
        }
        return dropped;
    }

    /** BP2 through the dropout: ∂C/∂a ⊙= r, in place. */
    void dropGradient(float[] inputGradient, int rows) {
        if (mask == null) {
            return;
        }
        int count = rows * (mask.length / capacity);
        for (int i = 0; i < count; i++) {
            inputGradient[i] *= mask[i];
        }
    }
}
