package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Max-pooling (the book's chapter 6): each channel's K × K blocks, stride K, are each replaced by their
 * largest value, z[n, c, y, x] = max_{i,j < K} x[n, c, y·K + i, x·K + j], then a = σ(z). Rows and columns
 * that do not fill a whole block are dropped, as in PyTorch. After a convolution whose activation is the
 * identity this computes network3.py's σ(maxpool(conv(x)) + b), b added before the maximum, which is the
 * same value since adding b preserves order. No parameters.
 *
 * <p>Backpropagation routes each δ to the input that won its block (the first on ties), and 0 to the rest.
 */
public final class MaxPoolLayer implements Layer {

    private final LayerSpec.MaxPool spec;
    private final Shape input;
    private final Shape output;

    public MaxPoolLayer(LayerSpec.MaxPool spec, Shape input) {
        this.spec = spec;
        this.input = input;
        this.output = spec.outputShape(input);
    }

    @Override
    public LayerSpec spec() {
        return spec;
    }

    @Override
    public Shape inputShape() {
        return input;
    }

    @Override
    public Shape outputShape() {
        return output;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public boolean takesDropout() {
        return false;
    }

    @Override
    public void initialize(Init init, Random random) {
        // nothing to draw
    }

    @Override
    public LayerBuffers buffers(int capacity, float dropout) {
        return new LayerBuffers(capacity, input.size(), output.size(), dropout, new int[0], capacity * output.size());
    }

    /** z = the maximum of each block, its input's index kept for backpropagation; a = σ(z). */
    @Override
    public void forward(Compute compute, float[] x, int rows, LayerBuffers b) {
        int planes = rows * input.channels();
        if (spec.window() == 2) {
            forward2(x, planes, b.z, b.indices);
        } else {
            forwardAny(x, planes, b.z, b.indices);
        }
        activation().apply(b.z, b.output, rows, output.size());
    }

    /** Any window: the first largest value of each block. */
    private void forwardAny(float[] x, int planes, float[] z, int[] winners) {
        int k = spec.window();
        int w = input.cols();
        int at = 0;
        for (int plane = 0; plane < planes; plane++) {
            int from = plane * input.rows() * w;
            for (int oy = 0; oy < output.rows(); oy++) {
                for (int ox = 0; ox < output.cols(); ox++) {
                    int best = from + oy * k * w + ox * k;
                    for (int i = 0; i < k; i++) {
                        int row = from + (oy * k + i) * w + ox * k;
                        for (int j = 0; j < k; j++) {
                            if (x[row + j] > x[best]) {
                                best = row + j;
                            }
                        }
                    }
                    z[at] = x[best];
                    winners[at++] = best;
                }
            }
        }
    }

    /**
     * The 2 × 2 window the book uses, unrolled and without branches (random winners defeat branch
     * prediction): the same winners as {@link #forwardAny}, except between a −0 and a +0, equal values.
     */
    private void forward2(float[] x, int planes, float[] z, int[] winners) {
        int w = input.cols();
        int at = 0;
        for (int plane = 0; plane < planes; plane++) {
            int from = plane * input.rows() * w;
            for (int oy = 0; oy < output.rows(); oy++) {
                int top = from + 2 * oy * w;
                for (int ox = 0; ox < output.cols(); ox++) {
                    int i = top + 2 * ox;
                    int best = larger(x, i, i + 1);
                    best = larger(x, best, i + w);
                    best = larger(x, best, i + w + 1);
                    z[at] = x[best];
                    winners[at++] = best;
                }
            }
        }
    }

    /** j when x[j] > x[i], else i: the sign bit of x[i] − x[j] chooses. */
    private static int larger(float[] x, int i, int j) {
        int jWins = Float.floatToRawIntBits(x[i] - x[j]) >>> 31;
        return i + ((j - i) & -jWins);
    }

    @Override
    public void backward(Compute compute, float[] x, int rows, LayerBuffers b, float stepScale, float decay) {
        int count = rows * output.size();
        if (!b.deltaGiven) {
            activation().multiplyByDerivative(b.z, b.output, b.delta, count); // BP2: δ = ∂C/∂a ⊙ σ'(z)
        }
        if (b.inputGradient == null) {
            return;
        }
        Arrays.fill(b.inputGradient, 0, rows * input.size(), 0f);
        for (int i = 0; i < count; i++) {
            b.inputGradient[b.indices[i]] = b.delta[i]; // BP2 through the max: ∂C/∂x = δ at the winner, else 0
        }
    }
}
