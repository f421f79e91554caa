package dev.scratchnet.nn;

import dev.scratchnet.tensor.Shape;
import java.util.Arrays;

/**
 * Unfolding for convolution (im2col): the input patches under every kernel position laid out as the
 * columns of one matrix, so that a convolution of a whole mini-batch is one matrix product.
 *
 * <p>For a mini-batch of m images C × H × W, a K × K kernel, stride S and padding P, with
 * N = m·OH·OW output positions, {@code cols} is [C·K·K × N]: row (c, ky, kx) and column (n, oy, ox) hold
 * x[n, c, oy·S + ky − P, ox·S + kx − P], or 0 where that falls in the padding. Rows are in the order of a
 * weight tensor [F, C, K, K], so that z = W · cols is [F × N].
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

    /** Unfolds {@code rows} images x [rows × C·H·W] into cols [C·K·K × rows·OH·OW]. */
    void unfold(float[] x, int rows, float[] cols) {
        unfold(x, rows, cols, 0, rows);
    }

    /** The columns of images [from, to) of that unfolding (parts of a batch may be unfolded in parallel). */
    void unfold(float[] x, int rows, float[] cols, int from, int to) {
        int n = rows * positions();
        for (int c = 0; c < input.channels(); c++) {
            for (int ky = 0; ky < kernel; ky++) {
                for (int kx = 0; kx < kernel; kx++) {
                    int row = (c * kernel + ky) * kernel + kx;
                    for (int image = from; image < to; image++) {
                        unfoldRow(x, image, c, ky, kx, cols, row * n + image * positions());
                    }
                }
            }
        }
    }

    private void unfoldRow(float[] x, int image, int c, int ky, int kx, float[] cols, int to) {
        int h = input.rows();
        int w = input.cols();
        int ow = output.cols();
        int from = (image * input.channels() + c) * h * w;
        int lo = firstInside(kx, ow);
        int hi = lastInside(kx, w, ow);
        for (int oy = 0; oy < output.rows(); oy++) {
            int iy = oy * stride + ky - padding;
            int at = to + oy * ow;
            if (iy < 0 || iy >= h || lo >= hi) {
                Arrays.fill(cols, at, at + ow, 0f);
                continue;
            }
            Arrays.fill(cols, at, at + lo, 0f);
            int rowStart = from + iy * w + kx - padding;
            if (stride == 1) {
                System.arraycopy(x, rowStart + lo, cols, at + lo, hi - lo);
            } else {
                for (int ox = lo; ox < hi; ox++) {
                    cols[at + ox] = x[rowStart + ox * stride];
                }
            }
            Arrays.fill(cols, at + hi, at + ow, 0f);
        }
    }

    /**
     * The reverse, summing: grad [rows × C·H·W] = Σ over the patches that saw each input of dcols
     * [C·K·K × rows·OH·OW]. {@code grad} is overwritten.
     */
    void fold(float[] dcols, int rows, float[] grad) {
        fold(dcols, rows, grad, 0, rows);
    }

    /** Images [from, to) of that sum. */
    void fold(float[] dcols, int rows, float[] grad, int from, int to) {
        Arrays.fill(grad, from * input.size(), to * input.size(), 0f);
        int n = rows * positions();
        int h = input.rows();
        int w = input.cols();
        int ow = output.cols();
        for (int c = 0; c < input.channels(); c++) {
            for (int ky = 0; ky < kernel; ky++) {
                for (int kx = 0; kx < kernel; kx++) {
                    int row = (c * kernel + ky) * kernel + kx;
                    int lo = firstInside(kx, ow);
                    int hi = lastInside(kx, w, ow);
                    for (int image = from; image < to; image++) {
                        int plane = (image * input.channels() + c) * h * w;
                        int at = row * n + image * positions();
                        for (int oy = 0; oy < output.rows(); oy++) {
                            int iy = oy * stride + ky - padding;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int rowStart = plane + iy * w + kx - padding;
                            int src = at + oy * ow;
                            if (stride == 1) {
                                for (int ox = lo; ox < hi; ox++) {
                                    grad[rowStart + ox] += dcols[src + ox];
                                }
                            } else {
                                for (int ox = lo; ox < hi; ox++) {
                                    grad[rowStart + ox * stride] += dcols[src + ox];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first ox whose input column ox·S + kx − P is inside the image. */
    private int firstInside(int kx, int ow) {
        int lo = 0;
        while (lo < ow && lo * stride + kx - padding < 0) {
            lo++;
        }
        return lo;
    }

    /** One past the last ox whose input column is inside the image. */
    private int lastInside(int kx, int w, int ow) {
        int hi = ow;
        while (hi > 0 && (hi - 1) * stride + kx - padding >= w) {
            hi--;
        }
        return hi;
    }
}
