package dev.scratchnet.tensor;

import java.util.stream.IntStream;
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
    /** 0, 1, 2, ...: a lane's offset, for the indices of {@link #maxPool2}'s winners. */
    private static final int[] IOTA = IntStream.range(0, S.length()).toArray();

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

    @Override
    public void addTo(float[] from, int at, float[] to, int target, int count) {
        int i = 0;
        for (int bound = count - S.length(); i <= bound; i += S.length()) {
            FloatVector.fromArray(S, to, target + i).add(FloatVector.fromArray(S, from, at + i)).intoArray(to, target + i);
        }
        for (; i < count; i++) {
            to[target + i] += from[at + i];
        }
    }

    /**
     * The examples of a block in vectors of S.length() lanes: the comparisons of the scalar loop, lane by
     * lane, with the best value carried as int bits so that one int mask blends both it and its index. A
     * vector may run past the block's m examples into the next blocks', whose own vectors, stored later,
     * overwrite those lanes; the end of the row (and of x) is left to the scalar loop.
     */
    @Override
    public void maxPool2(float[] x, int corner, int row, int m, int blocks, float[] z, int[] winners, int at) {
        int lanes = S.length();
        int end = at + blocks * m;
        for (int b = 0; b < blocks; b++, corner += 2 * m, at += m) {
            int n = 0;
            for (; n < m && at + n + lanes <= end && corner + row + m + n + lanes <= x.length; n += lanes) {
                int i = corner + n;
                IntVector best = IntVector.fromArray(INTS, IOTA, 0).add(i);
                IntVector bits = (IntVector) INT_VECTOR.cast(FloatVector.fromArray(S, x, i).reinterpretAsInts());
                for (int q = 0; q < 3; q++) {
                    int j = q == 0 ? i + m : q == 1 ? i + row : i + row + m;
                    FloatVector next = FloatVector.fromArray(S, x, j);
                    FloatVector difference = ((FloatVector) FLOAT_VECTOR.cast(bits.reinterpretAsFloats())).sub(next);
                    VectorMask<Integer> wins = ((IntVector) INT_VECTOR.cast(difference.reinterpretAsInts()))
                            .compare(VectorOperators.LT, 0); // the sign bit: x[j] wins
                    best = best.blend(IntVector.fromArray(INTS, IOTA, 0).add(j), wins);
                    bits = bits.blend((IntVector) INT_VECTOR.cast(next.reinterpretAsInts()), wins);
                }
                ((FloatVector) FLOAT_VECTOR.cast(bits.reinterpretAsFloats())).intoArray(z, at + n);
                best.intoArray(winners, at + n);
            }
            if (n < m) {
                Elementwise.Scalar.maxPool2Examples(x, corner, row, m, n, m, z, winners, at);
            }
        }
    }
}
