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
