package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;

/**
 * One chunk of a conv layer's mini-batch (see {@link Patches}): its unfolded patches cols [C·K·K × N] and
 * product Z [F × N] (N = OH·OW·m, m the chunk's images), and for backpropagation its δ, ∂C/∂cols and its
 * shares of ∂C/∂W (transposed) and ∂C/∂b, with the unfolding (by rows of cols) and the folding (by input
 * channel) as parts the pool of threads can share. Each chunk's arrays are its own, so that chunks can run
 * on different threads; made once per workspace, so that a step allocates nothing.
 */
final class ConvChunk {

    final float[] cols;
    final float[] z;
    final float[] delta;
    final float[] colGradient;
    final float[] weightGradientT;
    final float[] biasGradient;
    /** The chunk's images within the mini-batch: [start, start + count). */
    int start;
    int count;
    private final Patches patches;
    private final Compute.Parts unfold = this::unfold;
    private final Compute.Parts fold = this::fold;
    private float[] x;
    private float[] gradient;

    /**
     * For up to {@code capacity} images; {@code direct}: the layer's own buffers take the product and δ as
     * they are (one chunk, batch-innermost output), so no Z or δ of the chunk's own is needed.
     */
    ConvChunk(Patches patches, int filters, int capacity, boolean direct, boolean training) {
        this.patches = patches;
        int n = capacity * patches.positions();
        int backward = training ? 1 : 0;
        int own = direct ? 0 : 1;
        this.cols = new float[patches.patchSize() * n];
        this.z = new float[own * filters * n];
        this.delta = new float[own * backward * filters * n];
        this.colGradient = new float[backward * patches.patchSize() * n];
        this.weightGradientT = new float[backward * filters * patches.patchSize()];
        this.biasGradient = new float[backward * filters];
    }

    /** cols from this chunk's images of x (batch-innermost, chunk by chunk). */
    void unfold(Compute compute, float[] x) {
        this.x = x;
        compute.forEachItem(patches.patchSize(), unfold);
    }

    /** ∂C/∂x for this chunk's images, from ∂C/∂cols, into {@code gradient} (batch-innermost, chunk by chunk). */
    void fold(Compute compute, float[] gradient) {
        this.gradient = gradient;
        compute.forEachItem(patches.input().channels(), fold);
    }

    private void unfold(int from, int to) {
        patches.unfold(x, start * patches.input().size(), count, cols, from, to);
    }

    private void fold(int from, int to) {
        patches.fold(colGradient, count, gradient, start * patches.input().size(), from, to);
    }

    /**
     * out [cols × rows] = inᵀ for in [rows × cols]. The weight gradient is computed transposed, cols · δᵀ,
     * because packing the small δ for that product is far cheaper than packing the large cols for δ · colsᵀ.
     */
    static void transpose(float[] in, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[r * cols + c];
            }
        }
    }

    /**
     * Σ values[from .. from + count), in eight interleaved partial sums added in a fixed order at the end:
     * one running sum would wait on each addition's latency (a conv layer sums m·OH·OW values per filter).
     */
    static float sum(float[] values, int from, int count) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int i = from;
        for (int end = from + count - 7; i < end; i += 8) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
            s4 += values[i + 4];
            s5 += values[i + 5];
            s6 += values[i + 6];
            s7 += values[i + 7];
        }
        for (; i < from + count; i++) {
            s0 += values[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
