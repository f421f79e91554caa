package dev.scratchnet.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} with the Vector API: lane by lane the very operations of {@link Elementwise#exp},
 * so every lane equals the scalar result. Loaded only when the Vector API module is present.
 */
final class VectorElementwise implements Elementwise {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * 8));

    @Override
    public void unitBytes(byte[] src, int from, float[] dst, int offset, int n) {
        int i = 0;
        for (int bound = n - S.length(); i <= bound; i += S.length()) {
            IntVector u = (IntVector) ByteVector.fromArray(BYTES, src, from + i)
                    .convertShape(VectorOperators.B2I, INTS, 0).lanewise(VectorOperators.AND, 0xff);
            ((FloatVector) u.convertShape(VectorOperators.I2F, S, 0)).div(255f).intoArray(dst, offset + i);
        }
        for (; i < n; i++) {
            dst[offset + i] = (src[from + i] & 0xff) / 255f;
        }
    }

    @Override
    public void sigmoid(float[] src, float[] dst, int from, int to) {
        int i = from;
        FloatVector one = FloatVector.broadcast(S, 1f);
        // exp is written out in the loop, not called: when JDK 17's C2 does not inline a method taking and
        // returning vectors, every vector crossing the call is boxed (9 KB per call measured).
        for (int bound = to - S.length(); i <= bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, src, i).neg().max(ExpConstants.MIN).min(ExpConstants.MAX);
            FloatVector t = x.fma(ExpConstants.LOG2E, ExpConstants.ROUND);
            FloatVector n = t.sub(ExpConstants.ROUND);
            FloatVector r = n.fma(FloatVector.broadcast(S, -ExpConstants.LN2_HI), x);
            r = n.fma(FloatVector.broadcast(S, -ExpConstants.LN2_LO), r);
            FloatVector p = r.fma(ExpConstants.C6, ExpConstants.C5);
            p = p.fma(r, FloatVector.broadcast(S, ExpConstants.C4));
            p = p.fma(r, FloatVector.broadcast(S, ExpConstants.C3));
            p = p.fma(r, FloatVector.broadcast(S, ExpConstants.C2));
            p = p.fma(r, one);
            p = p.fma(r, one);
            IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ExpConstants.BIAS).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul(bits.reinterpretAsFloats()); // e^{−z}, as Elementwise.exp computes it
            one.div(one.add(e)).intoArray(dst, i);
        }
        for (; i < to; i++) {
            dst[i] = 1f / (1f + Elementwise.exp(-src[i]));
        }
    }
}
