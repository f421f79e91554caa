package dev.scratchnet.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/**
 * BP1 for each output/cost pair: δ^L from {@link Cost#outputDelta} against its formula, and against ∂C/∂z
 * itself by central differences of {@link Cost#total} (z perturbed, a recomputed).
 */
class OutputDeltaTest {

    private static final float[] Z = {0.3f, -1.2f, 2.0f, 0.05f};
    private static final int[] LABEL = {2};

    private static float[] activate(Activation output, float[] z) {
        float[] a = new float[z.length];
        output.apply(z, a, 1, z.length);
        return a;
    }

    private static float[] delta(Activation output, Cost cost) {
        float[] a = activate(output, Z);
        float[] d = new float[Z.length];
        cost.outputDelta(output, Z, a, LABEL, d, 1, Z.length);
        return d;
    }

    private static void matchesFiniteDifferences(Activation output, Cost cost) {
        float[] d = delta(output, cost);
        for (int j = 0; j < Z.length; j++) {
            float eps = 1e-2f;
            float[] plus = Z.clone();
            float[] minus = Z.clone();
            plus[j] += eps;
            minus[j] -= eps;
            double numeric = (cost.total(output, plus, activate(output, plus), LABEL, 1, Z.length)
                    - cost.total(output, minus, activate(output, minus), LABEL, 1, Z.length)) / (2 * eps);
            assertThat((double) d[j]).as("%s/%s: δ_%d", output.id(), cost.id(), j).isCloseTo(numeric, offset(2e-4));
        }
    }

    @Test
    void crossEntropyWithEitherOutputIsAMinusY() {
        for (Activation output : new Activation[] {Activation.SIGMOID, Activation.SOFTMAX}) {
            float[] a = activate(output, Z);
            float[] d = delta(output, Cost.CROSS_ENTROPY);
            for (int j = 0; j < Z.length; j++) {
                assertThat(d[j]).isEqualTo(a[j] - (j == LABEL[0] ? 1f : 0f)); // eqs. 66 and 84: δ = a − y
            }
            matchesFiniteDifferences(output, Cost.CROSS_ENTROPY);
        }
    }

    @Test
    void quadraticWithSigmoidIsAMinusYTimesSigmoidPrime() {
        float[] a = activate(Activation.SIGMOID, Z);
        float[] d = delta(Activation.SIGMOID, Cost.QUADRATIC);
        for (int j = 0; j < Z.length; j++) {
            double y = j == LABEL[0] ? 1 : 0;
            assertThat((double) d[j]).isCloseTo((a[j] - y) * a[j] * (1 - a[j]), offset(1e-7)); // eq. 30
        }
        matchesFiniteDifferences(Activation.SIGMOID, Cost.QUADRATIC);
    }

    @Test
    void quadraticWithSoftmaxIsTheJacobianTimesAMinusY() {
        float[] a = activate(Activation.SOFTMAX, Z);
        float[] d = delta(Activation.SOFTMAX, Cost.QUADRATIC);
        for (int j = 0; j < Z.length; j++) {
            double sum = 0; // Σ_k ∂a_k/∂z_j · (a_k − y_k), with ∂a_k/∂z_j = a_k([k = j] − a_j)
            for (int k = 0; k < Z.length; k++) {
                sum += a[k] * ((k == j ? 1 : 0) - a[j]) * (a[k] - (k == LABEL[0] ? 1 : 0));
            }
            assertThat((double) d[j]).isCloseTo(sum, offset(1e-7));
        }
        matchesFiniteDifferences(Activation.SOFTMAX, Cost.QUADRATIC);
    }

    @Test
    void costsStayFiniteWhenOutputsSaturate() {
        float[] z = {80f, -80f, 0f};
        for (Activation output : new Activation[] {Activation.SIGMOID, Activation.SOFTMAX}) {
            double c = Cost.CROSS_ENTROPY.total(output, z, activate(output, z), new int[] {1}, 1, 3);
            assertThat(c).as(output.id()).isFinite().isGreaterThan(70); // about 80 or 160, never inf or NaN
        }
    }
}
