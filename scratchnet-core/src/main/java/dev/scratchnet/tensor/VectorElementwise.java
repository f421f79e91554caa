package dev.scratchnet.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} with the Vector API: lane by lane the very operations of {@link Elementwise#exp},
 * so every lane equals the scalar result. Loaded only when the Vector API module is present.
 */
final class VectorElementwise implements Elementwise {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public void sigmoid(float[] src, float[] dst, int from, int to) {
        int i = from;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int bound = to - S.length(); i <= bound; i += S.length()) {
            FloatVector e = exp(FloatVector.fromArray(S, src, i).neg());
            one.div(one.add(e)).intoArray(dst, i);
        }
        for (; i < to; i++) {
            dst[i] = 1f / (1f + Elementwise.exp(-src[i]));
        }
    }

    static FloatVector exp(FloatVector x) {
        x = x.max(ExpConstants.MIN).min(ExpConstants.MAX);
        FloatVector t = x.fma(FloatVector.broadcast(S, ExpConstants.LOG2E), FloatVector.broadcast(S, ExpConstants.ROUND));
        FloatVector n = t.sub(ExpConstants.ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -ExpConstants.LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -ExpConstants.LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, ExpConstants.C6);
        p = p.fma(r, FloatVector.broadcast(S, ExpConstants.C5));
        p = p.fma(r, FloatVector.broadcast(S, ExpConstants.C4));
        p = p.fma(r, FloatVector.broadcast(S, ExpConstants.C3));
        p = p.fma(r, FloatVector.broadcast(S, ExpConstants.C2));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ExpConstants.BIAS).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
