package dev.scratchnet.nn;

import dev.scratchnet.tensor.Shape;
import java.util.Arrays;

/**
 * Unfolding for convolution (im2col): the input patches under every kernel position laid out as the
 * columns of one matrix, so that a convolution of a whole mini-batch is one matrix product.
 *
 * <p>Inside a stack of conv and pooling layers a mini-batch of m images C × H × W is kept batch-innermost,
 * [C × H × W × m] (element (n, c, y, x) at ((c·H + y)·W + x)·m + n), so that every row below is a run of
 * whole blocks of m values. With a K × K kernel, stride S, padding P and N = OH·OW·m output positions,
 * {@code cols} is [C·K·K × N]: row (c, ky, kx) and column ((oy·OW + ox)·m + n) hold
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

    /** C·K·K: the rows of the unfolded matrix, and the inputs one output sees. */
    int patchSize() {
        return input.channels() * kernel * kernel;
    }

    /** OH·OW: the output positions per image. */
    int positions() {
        return output.rows() * output.cols();
    }

    /** Rows [from, to) of cols [C·K·K × OH·OW·m] from x [C × H × W × m]. */
    void unfold(float[] x, int m, float[] cols, int from, int to) {
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
                int source = ((c * input.rows() + iy) * input.cols() + kx - padding) * m;
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
     * saw each input of dcols [C·K·K × OH·OW·m]; those channels of {@code grad} are overwritten.
     */
    void fold(float[] dcols, int m, float[] grad, int from, int to) {
        int plane = input.rows() * input.cols() * m;
        Arrays.fill(grad, from * plane, to * plane, 0f);
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
                        int target = c * plane + (iy * input.cols() + kx - padding) * m;
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
        for (int i = 0; i < count; i++) {
            to[target + i] += from[at + i];
        }
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

    /** dst [size × m] = src [m × size]ᵀ: a mini-batch from one example per row to batch-innermost. */
    static void batchInner(float[] src, float[] dst, int m, int size) {
        for (int n = 0; n < m; n++) {
            for (int i = 0; i < size; i++) {
                dst[i * m + n] = src[n * size + i];
            }
        }
    }

    /** The reverse: dst [m × size] from src [size × m]. */
    static void batchOuter(float[] src, float[] dst, int m, int size) {
        for (int n = 0; n < m; n++) {
            for (int i = 0; i < size; i++) {
                dst[n * size + i] = src[i * m + n];
            }
        }
    }
}
