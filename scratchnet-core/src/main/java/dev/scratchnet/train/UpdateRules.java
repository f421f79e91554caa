package dev.scratchnet.train;

import dev.scratchnet.tensor.Kernels;

/**
 * The optimizers' update rules ({@link Optimizer} gives the formulas) as loops over a range [from, to) of one
 * tensor, each element's gradient formed inside the loop: g = ∇/m + (λ₂/n)·w + (λ₁/n)·sgn(w) for a tensor
 * that decays, g = ∇/m for the rest. {@link Scalar} is the reference; {@code VectorUpdateRules} performs the
 * same IEEE operations in the same order lane by lane, so both give the same bits.
 */
interface UpdateRules {

    /** One tensor's step: its arrays and the step's numbers, refilled for every tensor (no allocation). */
    final class Step {
        float[] w;
        float[] s;
        float[] first;
        float[] second;
        float eta;
        float perExample;
        float l2;
        float l1;
        boolean decays;
        float mu;
        float beta1;
        float beta2;
        float c1;
        float c2;
    }

    void sgd(Step t, int from, int to);

    void momentum(Step t, int from, int to);

    void nesterov(Step t, int from, int to);

    void adam(Step t, int from, int to);

    void rmsprop(Step t, int from, int to);

    /** The SIMD rules when the Vector API module is present, else the scalar ones. */
    static UpdateRules best() {
        if (Kernels.vectorApiPresent()) {
            try {
                return (UpdateRules) Class.forName("dev.scratchnet.train.VectorUpdateRules").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new Scalar();
            }
        }
        return new Scalar();
    }

    /** The reference: one element at a time. */
    final class Scalar implements UpdateRules {

        /** g_i, read before the update changes w_i. */
        private static float g(Step t, int i) {
            float scaled = t.s[i] * t.perExample;
            return t.decays ? scaled + t.l2 * t.w[i] + t.l1 * Math.signum(t.w[i]) : scaled; // ∇/m + (λ₂/n)w + (λ₁/n)sgn(w)
        }

        @Override
        public void sgd(Step t, int from, int to) {
            for (int i = from; i < to; i++) {
                t.w[i] -= t.eta * g(t, i); // w ← w − η·g
            }
        }

        @Override
        public void momentum(Step t, int from, int to) {
            float[] v = t.first;
            for (int i = from; i < to; i++) {
                v[i] = t.mu * v[i] - t.eta * g(t, i); // v ← μv − ηg
                t.w[i] += v[i]; // w ← w + v
            }
        }

        @Override
        public void nesterov(Step t, int from, int to) {
            float[] b = t.first;
            for (int i = from; i < to; i++) {
                float gi = g(t, i);
                b[i] = t.mu * b[i] + gi; // b ← μb + g
                t.w[i] -= t.eta * (gi + t.mu * b[i]); // w ← w − η(g + μb)
            }
        }

        @Override
        public void adam(Step t, int from, int to) {
            float[] m = t.first;
            float[] v = t.second;
            float keep1 = 1 - t.beta1;
            float keep2 = 1 - t.beta2;
            for (int i = from; i < to; i++) {
                float gi = g(t, i);
                m[i] = t.beta1 * m[i] + keep1 * gi; // m ← β₁m + (1−β₁)g
                v[i] = t.beta2 * v[i] + keep2 * gi * gi; // v ← β₂v + (1−β₂)g²
                t.w[i] -= t.eta * (m[i] / t.c1) / ((float) Math.sqrt(v[i] / t.c2) + Optimizer.EPSILON); // w ← w − η·m̂/(√v̂ + ε)
            }
        }

        @Override
        public void rmsprop(Step t, int from, int to) {
            float[] v = t.second;
            float keep = 1 - t.beta2;
            for (int i = from; i < to; i++) {
                float gi = g(t, i);
                v[i] = t.beta2 * v[i] + keep * gi * gi; // v ← ρv + (1−ρ)g²
                t.w[i] -= t.eta * gi / ((float) Math.sqrt(v[i]) + Optimizer.EPSILON); // w ← w − ηg/(√v + ε)
            }
        }
    }
}
