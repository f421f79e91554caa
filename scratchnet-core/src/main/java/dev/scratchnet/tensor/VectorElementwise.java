package dev.scratchnet.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} with the Vector API: lane by lane the very operations of {@link Elementwise#exp},
 * so every lane equals the scalar result. Loaded only when the Vector API module is present.
 *
 * <p>The result of every conversion between lane types (reinterpret, widen, int to float) is cast to the
 * species' own vector class ({@code INT_VECTOR.cast}, {@code FLOAT_VECTOR.cast}). A conversion returns a vector
 * whose class C2 does not know, so each operation on it is a virtual call into the Vector API that C2
 * inlines only if a type profile of the JDK's shared code happens to be mature when it compiles the caller.
 * When one is not, the vectors are boxed and the Java fallback runs: 23 KB allocated per training step at
 * mini-batch 10, for the life of the JVM (JDK 17, 512-bit species, about one test run in three). The cast
 * to a final class settles the type at compile time, so the compiled loop no longer depends on profiles.
 * The casts are written out, not put in a helper: C2 may decline to inline a helper it has seen run fewer
 * than 250 times, and a vector passed to a call that is not inlined is boxed.
 */
final class VectorElementwise implements Elementwise {

    private static final VectorSpecies<Float> S = Simd.FLOATS;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * 8));
    private static final Class<? extends Vector<Float>> FLOAT_VECTOR = S.vectorType();
    private static final Class<? extends Vector<Integer>> INT_VECTOR = INTS.vectorType();

    @Override
    public void unitBytes(byte[] src, int from, float[] dst, int offset, int n) {
        int i = 0;
        for (int bound = n - S.length(); i <= bound; i += S.length()) {
            ByteVector b = ByteVector.fromArray(BYTES, src, from + i);
            IntVector u = ((IntVector) INT_VECTOR.cast(b.convertShape(VectorOperators.B2I, INTS, 0)))
                    .lanewise(VectorOperators.AND, 0xff);
            ((FloatVector) FLOAT_VECTOR.cast(u.convertShape(VectorOperators.I2F, S, 0))).div(255f).intoArray(dst, offset + i);
        }
        for (; i < n; i++) {
            dst[offset + i] = (src[from + i] & 0xff) / 255f;
        }
    }

    /** A comparison and a blend, which keep δ's bits where z > 0 and write +0 elsewhere, as the scalar loop. */
    @Override
    public void reluDerivative(float[] z, float[] delta, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int bound = to - S.length(); i <= bound; i += S.length()) {
            VectorMask<Float> positive = FloatVector.fromArray(S, z, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, delta, i), positive).intoArray(delta, i);
        }
        for (; i < to; i++) {
            delta[i] = z[i] > 0f ? delta[i] : 0f;
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
            IntVector bits = ((IntVector) INT_VECTOR.cast(t.reinterpretAsInts())).sub(ExpConstants.BIAS)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul((FloatVector) FLOAT_VECTOR.cast(bits.reinterpretAsFloats())); // e^{−z}, as exp computes it
            one.div(one.add(e)).intoArray(dst, i);
        }
        for (; i < to; i++) {
            dst[i] = 1f / (1f + Elementwise.exp(-src[i]));
        }
    }
}
