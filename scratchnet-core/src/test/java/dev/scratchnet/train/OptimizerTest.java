package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.scratchnet.nn.Parameter;
import org.junit.jupiter.api.Test;

/** One or two steps of each optimizer on w = [1, −2] with gradients chosen by hand, against the formulas. */
class OptimizerTest {

    private static Optimizer optimizer(Optimizer.Kind kind, float momentum, float beta1, float beta2) {
        return new Optimizer(new Optimizer.Config(kind, momentum, beta1, beta2));
    }

    private static float[] step(Optimizer opt, float[] w, float[] g, float eta) {
        opt.beginStep();
        opt.update(new Parameter("w", new int[] {w.length}, w, g, true), eta);
        return w;
    }

    @Test
    void sgd() {
        float[] w = step(optimizer(Optimizer.Kind.SGD, 0.9f, 0.9f, 0.999f), new float[] {1f, -2f}, new float[] {0.5f, -1f}, 0.1f);
        assertThat(w[0]).isCloseTo(1f - 0.1f * 0.5f, offset(1e-7f)); // 0.95
        assertThat(w[1]).isCloseTo(-2f + 0.1f, offset(1e-7f)); // −1.9
    }

    @Test
    void momentumAccumulatesVelocity() {
        Optimizer opt = optimizer(Optimizer.Kind.MOMENTUM, 0.9f, 0.9f, 0.999f);
        float[] w = {1f, -2f};
        step(opt, w, new float[] {0.5f, -1f}, 0.1f); // v = −0.05, 0.1; w = 0.95, −1.9
        step(opt, w, new float[] {0.5f, -1f}, 0.1f); // v = 0.9·(−0.05) − 0.05 = −0.095; 0.9·0.1 + 0.1 = 0.19
        assertThat(w[0]).isCloseTo(0.95f - 0.095f, offset(1e-6f));
        assertThat(w[1]).isCloseTo(-1.9f + 0.19f, offset(1e-6f));
    }

    @Test
    void nesterovLooksAhead() {
        Optimizer opt = optimizer(Optimizer.Kind.NESTEROV, 0.9f, 0.9f, 0.999f);
        float[] w = {1f};
        step(opt, w, new float[] {0.5f}, 0.1f); // b = 0.5; w = 1 − 0.1·(0.5 + 0.45) = 0.905
        assertThat(w[0]).isCloseTo(0.905f, offset(1e-6f));
        step(opt, w, new float[] {0.5f}, 0.1f); // b = 0.95; w = 0.905 − 0.1·(0.5 + 0.855) = 0.7695
        assertThat(w[0]).isCloseTo(0.7695f, offset(1e-6f));
    }

    @Test
    void adamFirstStepMovesByEtaTimesTheSign() {
        // After one step m̂ = g and v̂ = g², so w moves by η·g/(|g| + ε) ≈ η·sgn(g).
        Optimizer opt = optimizer(Optimizer.Kind.ADAM, 0.9f, 0.9f, 0.999f);
        float[] w = step(opt, new float[] {1f, -2f}, new float[] {0.5f, -4f}, 0.01f);
        assertThat(w[0]).isCloseTo(0.99f, offset(1e-6f));
        assertThat(w[1]).isCloseTo(-1.99f, offset(1e-6f));
        // Second step with g = 0.25: m = 0.9·0.05 + 0.1·0.25 = 0.07, v = 0.999·0.00025 + 0.001·0.0625
        //   = 0.00031225; m̂ = 0.07/0.19, v̂ = 0.00031225/0.001999.
        step(opt, w, new float[] {0.25f, -4f}, 0.01f);
        double mHat = 0.07 / 0.19;
        double vHat = 0.00031225 / (1 - 0.999 * 0.999);
        assertThat((double) w[0]).isCloseTo(0.99 - 0.01 * mHat / (Math.sqrt(vHat) + 1e-8), offset(1e-6));
    }

    @Test
    void rmspropDividesByTheRunningRootMeanSquare() {
        Optimizer opt = optimizer(Optimizer.Kind.RMSPROP, 0.9f, 0.9f, 0.9f);
        float[] w = step(opt, new float[] {1f}, new float[] {2f}, 0.01f); // v = 0.1·4 = 0.4; w = 1 − 0.01·2/√0.4
        assertThat((double) w[0]).isCloseTo(1 - 0.01 * 2 / Math.sqrt(0.4), offset(1e-6));
    }

    @Test
    void rejectsOutOfRangeHyperParameters() {
        assertThatThrownBy(() -> new Optimizer.Config(Optimizer.Kind.MOMENTUM, 1f, 0.9f, 0.999f))
                .hasMessageContaining("--momentum must be in [0, 1)");
        assertThatThrownBy(() -> new Optimizer.Config(Optimizer.Kind.ADAM, 0.9f, -0.1f, 0.999f))
                .hasMessageContaining("--beta1 and --beta2");
        assertThatThrownBy(() -> Optimizer.Kind.parse("lion")).hasMessageContaining("unknown optimizer 'lion'");
    }

    @Test
    void regularizingInsideTheUpdateGivesTheSameBitsAsRegularizingFirst() {
        java.util.Random random = new java.util.Random(9);
        for (Optimizer.Kind kind : Optimizer.Kind.values()) {
            for (boolean decays : new boolean[] {true, false}) {
                float[] w1 = new float[257];
                float[] s1 = new float[257];
                for (int i = 0; i < w1.length; i++) {
                    w1[i] = (float) random.nextGaussian();
                    s1[i] = (float) random.nextGaussian() * 10;
                }
                w1[0] = 0f; // sgn(0) = 0
                float[] w2 = w1.clone();
                Optimizer fused = optimizer(kind, 0.9f, 0.9f, 0.999f);
                Optimizer apart = optimizer(kind, 0.9f, 0.9f, 0.999f);
                for (int step = 0; step < 3; step++) {
                    float[] g2 = s1.clone();
                    for (int i = 0; i < g2.length; i++) { // as Trainer.regularize and scale do it
                        g2[i] = decays ? g2[i] * 0.125f + 0.01f * w2[i] + 0.002f * Math.signum(w2[i]) : g2[i] * 0.125f;
                    }
                    fused.beginStep();
                    fused.update(new Parameter("w", new int[] {w1.length}, w1, s1.clone(), decays), 0.05f, 0.125f,
                            0.01f, 0.002f);
                    apart.beginStep();
                    apart.update(new Parameter("w", new int[] {w2.length}, w2, g2, decays), 0.05f);
                }
                assertThat(w1).as("%s, decays %s", kind, decays).containsExactly(w2);
            }
        }
    }
}
