package dev.scratchnet.train;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import dev.scratchnet.tensor.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UpdateRules} with the Vector API: each lane performs {@link UpdateRules.Scalar}'s operations in its
 * order (no fused multiply-add), so the two give the same bits; the tail past the last full vector runs the
 * scalar rules. Loaded only when the Vector API module is present.
 *
 * <p>Each rule forms its gradient g = ∇/m + (λ₂/n)·w + (λ₁/n)·sgn(w) in its own loop, not in a helper taking
 * and returning vectors: inside a large caller (Optimizer.update with every rule inlined) C2 may decline to
 * inline such a helper (NodeCountInliningCutoff), and then every vector crossing the call is boxed on the heap.
 * That was AllocationTest's intermittent failure (90 to 405 KB per step, momentum, in one run out of five to
 * twenty), traced with JFR's allocation samples to a compiled call of that helper.
 */
final class VectorUpdateRules implements UpdateRules {

    private static final VectorSpecies<Float> S = Simd.FLOATS;
    private final UpdateRules tail = new UpdateRules.Scalar();

    /** The full vectors' end in [from, to). */
    private static int bound(int from, int to) {
        return from + (to - from) / S.length() * S.length();
    }

    @Override
    public void sgd(Step t, int from, int to) {
        int end = bound(from, to);
        for (int i = from; i < end; i += S.length()) {
            FloatVector w = FloatVector.fromArray(S, t.w, i);
            FloatVector g = FloatVector.fromArray(S, t.s, i).mul(t.perExample); // g = ∇/m
            if (t.decays) { // + (λ₂/n)·w + (λ₁/n)·sgn(w), sgn keeping ±0 as Math.signum does
                g = g.add(w.mul(t.l2)).add(w.blend(1f, w.compare(GT, 0f)).blend(-1f, w.compare(LT, 0f)).mul(t.l1));
            }
            w.sub(g.mul(t.eta)).intoArray(t.w, i); // w ← w − η·g
        }
        tail.sgd(t, end, to);
    }

    @Override
    public void momentum(Step t, int from, int to) {
        int end = bound(from, to);
        for (int i = from; i < end; i += S.length()) {
            FloatVector w = FloatVector.fromArray(S, t.w, i);
            FloatVector g = FloatVector.fromArray(S, t.s, i).mul(t.perExample); // g = ∇/m
            if (t.decays) { // + (λ₂/n)·w + (λ₁/n)·sgn(w), sgn keeping ±0 as Math.signum does
                g = g.add(w.mul(t.l2)).add(w.blend(1f, w.compare(GT, 0f)).blend(-1f, w.compare(LT, 0f)).mul(t.l1));
            }
            FloatVector v = FloatVector.fromArray(S, t.first, i).mul(t.mu).sub(g.mul(t.eta)); // v ← μv − ηg
            v.intoArray(t.first, i);
            w.add(v).intoArray(t.w, i); // w ← w + v
        }
        tail.momentum(t, end, to);
    }

    @Override
    public void nesterov(Step t, int from, int to) {
        int end = bound(from, to);
        for (int i = from; i < end; i += S.length()) {
            FloatVector w = FloatVector.fromArray(S, t.w, i);
            FloatVector g = FloatVector.fromArray(S, t.s, i).mul(t.perExample); // g = ∇/m
            if (t.decays) { // + (λ₂/n)·w + (λ₁/n)·sgn(w), sgn keeping ±0 as Math.signum does
                g = g.add(w.mul(t.l2)).add(w.blend(1f, w.compare(GT, 0f)).blend(-1f, w.compare(LT, 0f)).mul(t.l1));
            }
            FloatVector b = FloatVector.fromArray(S, t.first, i).mul(t.mu).add(g); // b ← μb + g
            b.intoArray(t.first, i);
            w.sub(g.add(b.mul(t.mu)).mul(t.eta)).intoArray(t.w, i); // w ← w − η(g + μb)
        }
        tail.nesterov(t, end, to);
    }

    @Override
    public void adam(Step t, int from, int to) {
        float keep1 = 1 - t.beta1;
        float keep2 = 1 - t.beta2;
        int end = bound(from, to);
        for (int i = from; i < end; i += S.length()) {
            FloatVector w = FloatVector.fromArray(S, t.w, i);
            FloatVector g = FloatVector.fromArray(S, t.s, i).mul(t.perExample); // g = ∇/m
            if (t.decays) { // + (λ₂/n)·w + (λ₁/n)·sgn(w), sgn keeping ±0 as Math.signum does
                g = g.add(w.mul(t.l2)).add(w.blend(1f, w.compare(GT, 0f)).blend(-1f, w.compare(LT, 0f)).mul(t.l1));
            }
            FloatVector m = FloatVector.fromArray(S, t.first, i).mul(t.beta1).add(g.mul(keep1)); // m ← β₁m + (1−β₁)g
            FloatVector v = FloatVector.fromArray(S, t.second, i).mul(t.beta2).add(g.mul(keep2).mul(g)); // v ← β₂v + (1−β₂)g²
            m.intoArray(t.first, i);
            v.intoArray(t.second, i);
            FloatVector root = v.div(t.c2).lanewise(VectorOperators.SQRT).add(Optimizer.EPSILON);
            w.sub(m.div(t.c1).mul(t.eta).div(root)).intoArray(t.w, i); // w ← w − η·m̂/(√v̂ + ε)
        }
        tail.adam(t, end, to);
    }

    @Override
    public void rmsprop(Step t, int from, int to) {
        float keep = 1 - t.beta2;
        int end = bound(from, to);
        for (int i = from; i < end; i += S.length()) {
            FloatVector w = FloatVector.fromArray(S, t.w, i);
            FloatVector g = FloatVector.fromArray(S, t.s, i).mul(t.perExample); // g = ∇/m
            if (t.decays) { // + (λ₂/n)·w + (λ₁/n)·sgn(w), sgn keeping ±0 as Math.signum does
                g = g.add(w.mul(t.l2)).add(w.blend(1f, w.compare(GT, 0f)).blend(-1f, w.compare(LT, 0f)).mul(t.l1));
            }
            FloatVector v = FloatVector.fromArray(S, t.second, i).mul(t.beta2).add(g.mul(keep).mul(g)); // v ← ρv + (1−ρ)g²
            v.intoArray(t.second, i);
            FloatVector root = v.lanewise(VectorOperators.SQRT).add(Optimizer.EPSILON);
            w.sub(g.mul(t.eta).div(root)).intoArray(t.w, i); // w ← w − ηg/(√v + ε)
        }
        tail.rmsprop(t, end, to);
    }
}
