package dev.scratchnet.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ElementwiseTest {

    @Test
    void expIsWithinFourUlpOfTheLibraryExpOverTheUsableRange() {
        Random random = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            float x = (random.nextFloat() * 2 - 1) * 87f;
            float ours = Elementwise.exp(x);
            double exact = Math.exp(x);
            assertThat(Math.abs(ours - exact)).as("exp(%s)", x).isLessThanOrEqualTo(4 * Math.ulp((float) exact));
        }
        assertThat(Elementwise.exp(0f)).isEqualTo(1f);
        assertThat(Elementwise.exp(-1000f)).isEqualTo(Elementwise.exp(-87f)).isPositive();
        assertThat(Elementwise.exp(1000f)).isEqualTo(Elementwise.exp(88f)).isFinite();
    }

    @Test
    void simdAndScalarSigmoidGiveIdenticalBits() {
        Random random = new Random(5);
        float[] z = new float[1003];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (random.nextGaussian() * 20);
        }
        z[0] = 0f;
        z[1] = -200f;
        z[2] = 200f;
        float[] simd = new float[z.length];
        float[] scalar = new float[z.length];
        Kernels.elementwise().sigmoid(z, simd, 0, z.length);
        new Elementwise.Scalar().sigmoid(z, scalar, 0, z.length);
        assertThat(Kernels.elementwise()).isNotInstanceOf(Elementwise.Scalar.class);
        assertThat(simd).containsExactly(scalar);
        for (int i = 0; i < z.length; i++) {
            double exact = 1 / (1 + Math.exp(-z[i]));
            assertThat((double) simd[i]).as("σ(%s)", z[i]).isCloseTo(exact, org.assertj.core.data.Offset.offset(3e-7));
        }
    }

    @Test
    void simdAndScalarReluDerivativesGiveIdenticalBits() {
        Random random = new Random(8);
        float[] z = new float[1003];
        float[] delta = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextInt(4) == 0 ? 0f : (float) random.nextGaussian();
            delta[i] = (float) random.nextGaussian();
        }
        z[5] = -0f;
        z[6] = Float.NaN;
        z[7] = Float.MIN_VALUE;
        delta[8] = -0f;
        z[8] = 1f;
        float[] simd = delta.clone();
        float[] scalar = delta.clone();
        assertThat(Kernels.elementwise()).isNotInstanceOf(Elementwise.Scalar.class);
        Kernels.elementwise().reluDerivative(z, simd, 3, 1001);
        new Elementwise.Scalar().reluDerivative(z, scalar, 3, 1001);
        for (int i = 0; i < z.length; i++) {
            assertThat(Float.floatToRawIntBits(simd[i])).as("δ[%d]", i).isEqualTo(Float.floatToRawIntBits(scalar[i]));
        }
        assertThat(simd[7]).isEqualTo(delta[7]);
        assertThat(Float.floatToRawIntBits(simd[8])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(simd[6]).isZero();
        assertThat(simd[0]).isEqualTo(delta[0]);
    }

    /**
     * Rows of 2 × 2 blocks for m from 1 to 20 examples (a vector's lanes fewer, equal and more), values
     * drawn from a few levels so that ties, +0 and −0 are common: the same values, the same winners and
     * nothing written outside the row's outputs, on the SIMD path and the scalar one.
     */
    @Test
    void simdAndScalarMaxPoolingPickTheSameWinners() {
        Random random = new Random(11);
        float[] levels = {0f, -0f, 1f, -1f, 0.5f, Float.MIN_VALUE};
        for (int m = 1; m <= 20; m++) {
            for (int blocks : new int[] {1, 3, 12}) {
                int row = 2 * blocks * m + 3 * m; // an input row wider than its blocks, as when W is odd
                float[] x = new float[7 + 2 * row];
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextInt(3) == 0 ? (float) random.nextGaussian() : levels[random.nextInt(levels.length)];
                }
                int at = 5;
                int outputs = blocks * m;
                float[] simd = new float[at + outputs + 40];
                float[] scalar = new float[simd.length];
                java.util.Arrays.fill(simd, 42f);
                java.util.Arrays.fill(scalar, 42f);
                int[] simdWinners = new int[simd.length];
                int[] scalarWinners = new int[simd.length];
                java.util.Arrays.fill(simdWinners, -7);
                java.util.Arrays.fill(scalarWinners, -7);
                Kernels.elementwise().maxPool2(x, 7, row, m, blocks, simd, simdWinners, at);
                new Elementwise.Scalar().maxPool2(x, 7, row, m, blocks, scalar, scalarWinners, at);
                assertThat(simdWinners).as("m %d, %d blocks", m, blocks).containsExactly(scalarWinners);
                for (int i = 0; i < simd.length; i++) {
                    assertThat(Float.floatToRawIntBits(simd[i])).as("z[%d], m %d", i, m)
                            .isEqualTo(Float.floatToRawIntBits(scalar[i]));
                    boolean written = i >= at && i < at + outputs;
                    assertThat(simd[i] == 42f && simdWinners[i] == -7).as("z[%d] untouched", i).isEqualTo(!written);
                }
                for (int b = 0; b < blocks; b++) { // the winner is one of its block's four, and holds its value
                    for (int n = 0; n < m; n++) {
                        int i = 7 + 2 * b * m + n;
                        int w = scalarWinners[at + b * m + n];
                        assertThat(w).isIn(i, i + m, i + row, i + row + m);
                        assertThat(Float.floatToRawIntBits(x[w])).isEqualTo(Float.floatToRawIntBits(scalar[at + b * m + n]));
                        float max = Math.max(Math.max(x[i], x[i + m]), Math.max(x[i + row], x[i + row + m]));
                        assertThat(scalar[at + b * m + n]).isEqualTo(max);
                    }
                }
            }
        }
    }

    /**
     * The same once C2 has compiled the SIMD kernel (the cases above run it mostly interpreted, on the
     * Vector API's Java fallback), on an input that ends exactly where the last block does.
     */
    @Test
    void compiledSimdMaxPoolingPicksTheScalarWinners() {
        Random random = new Random(14);
        int m = 8;
        int blocks = 12;
        int row = 2 * blocks * m;
        float[] x = new float[2 * row];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(4) == 0 ? 0f : (float) random.nextGaussian();
        }
        float[] simd = new float[blocks * m];
        int[] simdWinners = new int[simd.length];
        for (int round = 0; round < 30_000; round++) {
            Kernels.elementwise().maxPool2(x, 0, row, m, blocks, simd, simdWinners, 0);
        }
        float[] scalar = new float[simd.length];
        int[] scalarWinners = new int[simd.length];
        new Elementwise.Scalar().maxPool2(x, 0, row, m, blocks, scalar, scalarWinners, 0);
        assertThat(simdWinners).containsExactly(scalarWinners);
        assertThat(simd).containsExactly(scalar);
    }

    @Test
    void simdAndScalarAddToGiveIdenticalBitsAndTouchOnlyTheirRange() {
        Random random = new Random(12);
        float[] from = new float[300];
        float[] to = new float[300];
        for (int i = 0; i < from.length; i++) {
            from[i] = (float) random.nextGaussian();
            to[i] = (float) random.nextGaussian();
        }
        for (int count : new int[] {0, 1, 15, 16, 17, 100, 250}) {
            float[] simd = to.clone();
            float[] scalar = to.clone();
            Kernels.elementwise().addTo(from, 7, simd, 3, count);
            new Elementwise.Scalar().addTo(from, 7, scalar, 3, count);
            assertThat(simd).as("%d", count).containsExactly(scalar);
            for (int i = 0; i < to.length; i++) {
                boolean inside = i >= 3 && i < 3 + count;
                assertThat(simd[i]).isEqualTo(inside ? to[i] + from[i + 4] : to[i]);
            }
        }
    }

    @Test
    void pixelsScaleToTheUnitIntervalWithTheSameBitsOnBothPaths() {
        byte[] pixels = new byte[3 + 256 + 5]; // an odd offset and a scalar tail
        for (int v = 0; v < 256; v++) {
            pixels[3 + v] = (byte) v;
        }
        float[] simd = new float[pixels.length];
        float[] scalar = new float[pixels.length];
        Kernels.elementwise().unitBytes(pixels, 3, simd, 1, 261);
        new Elementwise.Scalar().unitBytes(pixels, 3, scalar, 1, 261);
        assertThat(simd).containsExactly(scalar);
        for (int v = 0; v < 256; v++) {
            assertThat(simd[1 + v]).as("byte %d", v).isEqualTo(v / 255f);
        }
        assertThat(simd[0]).isZero();
    }
}
