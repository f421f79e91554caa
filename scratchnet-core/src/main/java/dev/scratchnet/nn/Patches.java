package dev.scratchnet.nn;

import dev.scratchnet.tensor.Kernels;
import dev.scratchnet.tensor.Shape;
import java.util.Arrays;

/**
 * Unfolding for convolution (im2col): the input patches under every kernel position laid out as the
 * columns of one matrix, so that a convolution of a chunk of a mini-batch (below) is one matrix product.
 *
 * <p>Inside a stack of conv and pooling layers a mini-batch of m images C × H × W is kept batch-innermost,
 * [C × H × W × m] (element (n, c, y, x) at ((c·H + y)·W + x)·m + n), so that every row below is a run of
 * whole blocks of m values. A mini-batch of more than {@value #WHOLE} images is cut into chunks of
 * {@value #CHUNK} (the last one shorter), each laid out so on its own, one after another: chunk j holds the
 * examples [j·{@value #CHUNK}, j·{@value #CHUNK} + m_j) at offset j·{@value #CHUNK}·C·H·W. Layers work
 * chunk by chunk, each chunk on one thread ({@link ChunkedStack}), so that a chunk's unfolded patches are still in the core's cache
 * when its product reads them (at m = 64 the book's second conv layer unfolds 8 MB, a chunk of 8 1 MB).
 * A mini-batch of up to {@value #WHOLE} is one chunk, its products split across the threads instead.
 *
 * <p>With a K × K kernel, stride S, padding P and N = OH·OW·m output positions of a chunk, {@code cols} is [C·K·K × N]: row (c, ky, kx) and column ((oy·OW + ox)·m + n) hold
 * x[n, c, oy·S + ky − P, ox·S + kx − P], or 0 where that falls in the padding. Rows are in the order of a
 * weight tensor [F, C, K, K], so that Z = W · cols is [F × N], the output batch-innermost again.
 *
 * @param input   the shape of one input image
 * @param kernel  K
 * @param stride  S
 * @param padding P
 * @param output  the shape of one output image (its channel count is unused here)
 */
record Patches(Shape input, int kernel, int stride, int padding, Shape output) {

    /** Mini-batches up to this size are one chunk. */
    static final int WHOLE = 16;
    /** The size of the chunks a larger mini-batch is cut into. */
    static final int CHUNK = 8;

    /** The examples per chunk of a mini-batch of {@code rows} (the last chunk may hold fewer). */
    static int chunkSize(int rows) {
        return rows <= WHOLE ? rows : CHUNK;
    }

    /** How many chunks a mini-batch of {@code rows} is cut into. */
    static int chunks(int rows) {
        int size = chunkSize(rows);
        return rows <= 0 ? 0 : (rows + size - 1) / size;
    }

    /** The most examples chunk j of any mini-batch of up to {@code capacity} holds. */
    static int chunkCapacity(int capacity, int j) {
        return j == 0 ? Math.min(capacity, WHOLE) : CHUNK;
    }

    /** C·K·K: the rows of the unfolded matrix, and the inputs one output sees. */
    int patchSize() {
        return input.channels() * kernel * kernel;
    }

    /** OH·OW: the output positions per image. */
    int positions() {
        return output.rows() * output.cols();
    }

    /** Rows [from, to) of cols [C·K·K × OH·OW·m] from the m images x [C × H × W × m] at {@code x[offset]}. */
    void unfold(float[] x, int offset, int m, float[] cols, int from, int to) {
        int n = positions() * m;
        for (int row = from; row < to; row++) {
            int c = row / (kernel * kernel);
            int ky = row / kernel % kernel;
            int kx = row % kernel;
            int lo = firstInside(kx);
            int hi = lastInside(kx);
            for (int oy = 0; oy < output.rows(); oy++) {
                int at = row * n + oy * output.cols() * m;
                int iy = oy * stride + ky - padding;
                if (iy < 0 || iy >= input.rows() || lo >= hi) {
                    Arrays.fill(cols, at, at + output.cols() * m, 0f);
                    continue;
                }
                Arrays.fill(cols, at, at + lo * m, 0f);
                int source = offset + ((c * input.rows() + iy) * input.cols() + kx - padding) * m;
                if (stride == 1) {
                    System.arraycopy(x, source + lo * m, cols, at + lo * m, (hi - lo) * m);
                } else {
                    for (int ox = lo; ox < hi; ox++) {
                        System.arraycopy(x, source + ox * stride * m, cols, at + ox * m, m);
                    }
                }
                Arrays.fill(cols, at + hi * m, at + output.cols() * m, 0f);
            }
        }
    }

    /**
     * The reverse, summing, for input channels [from, to): grad [C × H × W × m] = Σ over the patches that
     * saw each input of dcols [C·K·K × OH·OW·m], at {@code grad[offset]}; those channels of it are overwritten.
     */
    void fold(float[] dcols, int m, float[] grad, int offset, int from, int to) {
        int plane = input.rows() * input.cols() * m;
        Arrays.fill(grad, offset + from * plane, offset + to * plane, 0f);
        int n = positions() * m;
        for (int c = from; c < to; c++) {
            for (int ky = 0; ky < kernel; ky++) {
                for (int kx = 0; kx < kernel; kx++) {
                    int row = (c * kernel + ky) * kernel + kx;
                    int lo = firstInside(kx);
                    int hi = lastInside(kx);
                    for (int oy = 0; oy < output.rows(); oy++) {
                        int iy = oy * stride + ky - padding;
                        if (iy < 0 || iy >= input.rows() || lo >= hi) {
                            continue;
                        }
                        int at = row * n + oy * output.cols() * m;
                        int target = offset + c * plane + (iy * input.cols() + kx - padding) * m;
                        if (stride == 1) {
                            add(dcols, at + lo * m, grad, target + lo * m, (hi - lo) * m);
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                add(dcols, at + ox * m, grad, target + ox * stride * m, m);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void add(float[] from, int at, float[] to, int target, int count) {
        Kernels.elementwise().addTo(from, at, to, target, count);
    }

    /** The first ox whose input column ox·S + kx − P is inside the image. */
    private int firstInside(int kx) {
        int lo = 0;
        while (lo < output.cols() && lo * stride + kx - padding < 0) {
            lo++;
        }
        return lo;
    }

    /** One past the last ox whose input column is inside the image. */
    private int lastInside(int kx) {
        int hi = output.cols();
        while (hi > 0 && (hi - 1) * stride + kx - padding >= input.cols()) {
            hi--;
        }
        return hi;
    }

    /**
     * dst = src from one example per row, [rows × size], to chunks batch-innermost (the layout above); one
     * chunk (up to {@value #WHOLE} rows) is the transpose [size × rows].
     */
    static void toChunks(float[] src, float[] dst, int rows, int size) {
        int chunk = chunkSize(rows);
        for (int start = 0; start < rows; start += chunk) {
            batchInner(src, start * size, dst, start * size, Math.min(chunk, rows - start), size);
        }
    }

    /** The reverse of {@link #toChunks}. */
    static void fromChunks(float[] src, float[] dst, int rows, int size) {
        int chunk = chunkSize(rows);
        for (int start = 0; start < rows; start += chunk) {
            batchOuter(src, start * size, dst, start * size, Math.min(chunk, rows - start), size);
        }
    }

    /** dst [size × m] at {@code to} = src [m × size]ᵀ at {@code from}: m examples to batch-innermost. */
    static void batchInner(float[] src, int from, float[] dst, int to, int m, int size) {
        batchInner(src, from, dst, to, m, size, 0, size);
    }

    /** As above for the elements [lo, hi) of each example only (a channel's, say). */
    static void batchInner(float[] src, int from, float[] dst, int to, int m, int size, int lo, int hi) {
        for (int n = 0; n < m; n++) {
            for (int i = lo; i < hi; i++) {
                dst[to + i * m + n] = src[from + n * size + i];
            }
        }
    }

    /** The reverse: dst [m × size] at {@code to} from src [size × m] at {@code from}. */
    static void batchOuter(float[] src, int from, float[] dst, int to, int m, int size) {
        batchOuter(src, from, dst, to, m, size, 0, size);
    }

    /** As above for the elements [lo, hi) of each example only. */
    static void batchOuter(float[] src, int from, float[] dst, int to, int m, int size, int lo, int hi) {
        for (int n = 0; n < m; n++) {
            for (int i = lo; i < hi; i++) {
                dst[to + n * size + i] = src[from + i * m + n];
            }
        }
    }
}
