package dev.scratchnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast convolution and pooling (unfolding, the packed products, the pool of threads) against plain loops
 * over the definitions, in double: the forward pass z, and backpropagation's ∂C/∂W, ∂C/∂b and ∂C/∂x for a
 * given δ, on odd shapes: stride 2, padding, 3 input channels, batches of 1 and 7, and batches cut into
 * chunks (more than 16 examples, the last chunk short: see {@link Patches}).
 */
class ConvReferenceTest {

    private static final double BOUND = 1e-4;

    @ParameterizedTest(name = "{0}x{1}x{2}, {3}x{3} kernel, {4} filters, stride {5}, padding {6}, batch {7}")
    @CsvSource({"3,9,8,3,4,2,1,1", "3,9,8,3,4,2,1,7", "1,28,28,5,20,1,0,2", "2,7,7,4,3,3,2,7", "3,5,6,1,2,1,0,3",
            "20,12,12,5,40,1,0,3", "3,9,8,3,4,2,1,19", "1,28,28,5,20,1,0,17", "20,12,12,5,40,1,0,37"})
    void convolutionAgreesWithTheDefinition(int c, int h, int w, int k, int f, int s, int p, int rows) {
        LayerSpec.Conv spec = new LayerSpec.Conv(k, f, s, p, Activation.IDENTITY);
        Shape in = new Shape(c, h, w);
        ConvLayer layer = new ConvLayer(0, spec, in);
        Random random = new Random(5);
        layer.initialize(Init.XAVIER, random);
        random(layer.parameters().get(1).values(), random);
        float[] x = random(new float[rows * in.size()], random);
        LayerBuffers b = layer.buffers(rows, 0f);
        try (Compute compute = new Compute(2)) {
            layer.forward(compute, x, rows, b);
            Shape out = layer.outputShape();
            double[] z = forward(layer.weights(), layer.parameters().get(1).values(), x, rows, in, out, k, s, p);
            assertClose(b.output(), z, rows * out.size(), "z (a = z, the identity)");

            random(b.delta, random);
            b.deltaGiven = true;
            b.inputGradient = new float[rows * in.size()];
            layer.backward(compute, x, rows, b, 0f, 1f);
            double[][] grads = backward(layer.weights(), b.delta, x, rows, in, out, k, s, p);
            assertClose(layer.parameters().get(0).gradient(), grads[0], grads[0].length, "dW");
            assertClose(layer.parameters().get(1).gradient(), grads[1], grads[1].length, "db");
            assertClose(b.inputGradient, grads[2], grads[2].length, "dx");
        }
    }

    @ParameterizedTest(name = "{0}x{1}x{2}, window {3}, batch {4}")
    @CsvSource({"3,9,8,2,1", "3,9,8,3,7", "20,24,24,2,2", "2,5,5,5,3", "3,9,8,2,19", "20,24,24,2,33"})
    void poolingAgreesWithTheDefinition(int c, int h, int w, int k, int rows) {
        Shape in = new Shape(c, h, w);
        MaxPoolLayer layer = new MaxPoolLayer(new LayerSpec.MaxPool(k, Activation.IDENTITY), in);
        Random random = new Random(6);
        float[] x = random(new float[rows * in.size()], random);
        LayerBuffers b = layer.buffers(rows, 0f);
        Compute compute = new Compute(2); // the passes split by channel across the pool
        layer.forward(compute, x, rows, b);
        Shape out = layer.outputShape();
        double[] z = new double[rows * out.size()];
        double[] dx = new double[rows * in.size()];
        random(b.delta, random);
        for (int n = 0; n < rows; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < out.rows(); oy++) {
                    for (int ox = 0; ox < out.cols(); ox++) {
                        int best = -1;
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int at = ((n * c + ch) * h + oy * k + i) * w + ox * k + j;
                                best = best < 0 || x[at] > x[best] ? at : best;
                            }
                        }
                        int o = ((n * c + ch) * out.rows() + oy) * out.cols() + ox;
                        z[o] = x[best];
                        dx[best] += b.delta[o];
                    }
                }
            }
        }
        assertClose(b.z(), z, z.length, "z");
        b.deltaGiven = true;
        b.inputGradient = new float[rows * in.size()];
        layer.backward(compute, x, rows, b, 0f, 1f);
        compute.close();
        assertClose(b.inputGradient, dx, dx.length, "dx");
    }

    /** z[n,f,y,x] = b_f + Σ_{c,i,j} w[f,c,i,j]·x[n,c,y·s+i−p,x·s+j−p], zero outside the image. */
    private static double[] forward(float[] wt, float[] bias, float[] x, int rows, Shape in, Shape out, int k, int s,
                                    int p) {
        double[] z = new double[rows * out.size()];
        for (int n = 0; n < rows; n++) {
            for (int f = 0; f < out.channels(); f++) {
                for (int y = 0; y < out.rows(); y++) {
                    for (int xx = 0; xx < out.cols(); xx++) {
                        double sum = bias[f];
                        for (int c = 0; c < in.channels(); c++) {
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < k; j++) {
                                    sum += wt[((f * in.channels() + c) * k + i) * k + j]
                                            * input(x, n, c, y * s + i - p, xx * s + j - p, in);
                                }
                            }
                        }
                        z[((n * out.channels() + f) * out.rows() + y) * out.cols() + xx] = sum;
                    }
                }
            }
        }
        return z;
    }

    /** dW = Σ δ·x over positions, db = Σ δ, dx = Σ δ·w over the outputs each input fed. */
    private static double[][] backward(float[] wt, float[] delta, float[] x, int rows, Shape in, Shape out, int k,
                                       int s, int p) {
        double[] dw = new double[wt.length];
        double[] db = new double[out.channels()];
        double[] dx = new double[rows * in.size()];
        for (int n = 0; n < rows; n++) {
            for (int f = 0; f < out.channels(); f++) {
                for (int y = 0; y < out.rows(); y++) {
                    for (int xx = 0; xx < out.cols(); xx++) {
                        double d = delta[((n * out.channels() + f) * out.rows() + y) * out.cols() + xx];
                        db[f] += d;
                        for (int c = 0; c < in.channels(); c++) {
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < k; j++) {
                                    int iy = y * s + i - p;
                                    int ix = xx * s + j - p;
                                    int wi = ((f * in.channels() + c) * k + i) * k + j;
                                    dw[wi] += d * input(x, n, c, iy, ix, in);
                                    if (iy >= 0 && iy < in.rows() && ix >= 0 && ix < in.cols()) {
                                        dx[((n * in.channels() + c) * in.rows() + iy) * in.cols() + ix] += d * wt[wi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dw, db, dx};
    }

    private static double input(float[] x, int n, int c, int y, int xx, Shape in) {
        if (y < 0 || y >= in.rows() || xx < 0 || xx >= in.cols()) {
            return 0;
        }
        return x[((n * in.channels() + c) * in.rows() + y) * in.cols() + xx];
    }

    private static float[] random(float[] values, Random random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static void assertClose(float[] actual, double[] expected, int count, String what) {
        for (int i = 0; i < count; i++) {
            double error = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
            assertThat(error).as("%s[%d]: %s against %s", what, i, actual[i], expected[i]).isLessThan(BOUND);
        }
    }
}
