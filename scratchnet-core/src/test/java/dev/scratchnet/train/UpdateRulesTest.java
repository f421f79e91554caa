package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Kernels;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SIMD update rules, with large tensors split across two threads, against the scalar reference on one:
 * the same bits for every optimizer, with and without L2 and L1, over several steps (so the state arrays
 * are compared too, through the weights they move).
 */
class UpdateRulesTest {

    /** Sizes around the vector widths and the split threshold, and zeros among the weights (sgn(±0) = ±0). */
    private static final int[] SIZES = {1, 15, 16, 17, 100, Optimizer.PARALLEL_MIN + 37};

    @ParameterizedTest
    @EnumSource(Optimizer.Kind.class)
    void simdAndSplitGiveTheReferenceBits(Optimizer.Kind kind) {
        Assumptions.assumeTrue(Kernels.vectorApiPresent(), "the Vector API module is not present");
        Optimizer.Config config = new Optimizer.Config(kind, 0.9f, 0.8f, 0.99f);
        Optimizer reference = new Optimizer(config, new UpdateRules.Scalar());
        Optimizer simd = new Optimizer(config, UpdateRules.best());
        assertThat(UpdateRules.best()).isNotInstanceOf(UpdateRules.Scalar.class);
        Random random = new Random(kind.ordinal());
        try (Compute compute = new Compute(2)) {
            for (int size : SIZES) {
                for (boolean decays : new boolean[] {false, true}) {
                    float[] w = values(random, size);
                    Parameter a = new Parameter("w" + size + decays, new int[] {size}, w.clone(), new float[size], decays);
                    Parameter b = new Parameter("w" + size + decays, new int[] {size}, w.clone(), new float[size], decays);
                    for (int step = 0; step < 4; step++) {
                        float[] gradient = values(random, size);
                        System.arraycopy(gradient, 0, a.gradient(), 0, size);
                        System.arraycopy(gradient, 0, b.gradient(), 0, size);
                        reference.beginStep();
                        simd.beginStep();
                        reference.update(a, 0.01f, 1f / 7, 3e-4f, 2e-4f);
                        simd.update(compute, b, 0.01f, 1f / 7, 3e-4f, 2e-4f);
                        assertThat(b.values()).as("%s, %d values, decays %s, step %d", kind.id(), size, decays, step)
                                .containsExactly(a.values());
                    }
                }
            }
        }
    }

    private static float[] values(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = i % 11 == 3 ? (i % 2 == 0 ? 0f : -0f) : (float) random.nextGaussian();
        }
        return v;
    }
}
