package dev.scratchnet.tensor;

/**
 * Element-wise functions over float arrays. The SIMD implementation and the scalar one perform the same
 * IEEE operations in the same order, so they return the same bits: results never depend on which one ran
 * or on JIT state. (Vector API lanewise transcendentals are avoided for that reason.)
 */
public interface Elementwise {

    /** dst[i] = σ(src[i]) = 1 / (1 + e^{−src[i]}) for i in [from, to). */
    void sigmoid(float[] src, float[] dst, int from, int to);

    /** dst[offset + i] = u / 255 for the unsigned bytes u = src[from + i], i in [0, n): pixels to [0, 1]. */
    void unitBytes(byte[] src, int from, float[] dst, int offset, int n);

    /** delta[i] = z[i] > 0 ? delta[i] : 0 for i in [from, to): ReLU's derivative, 1 where z > 0, applied. */
    void reluDerivative(float[] z, float[] delta, int from, int to);

    /** to[target + i] += from[at + i] for i in [0, count). */
    void addTo(float[] from, int at, float[] to, int target, int count);

    /**
     * One row of 2 × 2 max-pooling with m examples innermost ([H × W × m]): for block b in [0, blocks) and
     * example n in [0, m), with i = corner + 2·b·m + n, the first largest of x[i], x[i + m], x[i + row] and
     * x[i + row + m], compared in that order, goes to z[at + b·m + n] and its index in x to
     * winners[at + b·m + n]. One value beats the best so far when their difference's sign bit is set, so the
     * first of equal values wins (except a +0 after a −0), as the branch-free scalar loop decides. Writes
     * nothing outside [at, at + blocks·m).
     */
    void maxPool2(float[] x, int corner, int row, int m, int blocks, float[] z, int[] winners, int at);

    /**
     * e^x in float from basic operations: x = n·ln2 + r with n = round(x·log2 e) and |r| ≤ ln2/2, then
     * e^r by its Taylor polynomial to r⁶ (truncation below 1.2e-7 relative) and 2^n by building the float's
     * exponent bits. x is clamped to [−87, 88], keeping 2^n a normal float.
     */
    static float exp(float x) {
        x = Math.min(Math.max(x, ExpConstants.MIN), ExpConstants.MAX);
        float t = Math.fma(x, ExpConstants.LOG2E, ExpConstants.ROUND);
        float n = t - ExpConstants.ROUND;
        float r = Math.fma(n, -ExpConstants.LN2_HI, x);
        r = Math.fma(n, -ExpConstants.LN2_LO, r);
        float p = ExpConstants.C6;
        p = Math.fma(p, r, ExpConstants.C5);
        p = Math.fma(p, r, ExpConstants.C4);
        p = Math.fma(p, r, ExpConstants.C3);
        p = Math.fma(p, r, ExpConstants.C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - ExpConstants.BIAS) << 23);
    }

    /** The scalar implementation. */
    final class Scalar implements Elementwise {
        @Override
        public void sigmoid(float[] src, float[] dst, int from, int to) {
            for (int i = from; i < to; i++) {
                dst[i] = 1f / (1f + exp(-src[i]));
            }
        }

        @Override
        public void unitBytes(byte[] src, int from, float[] dst, int offset, int n) {
            for (int i = 0; i < n; i++) {
                dst[offset + i] = (src[from + i] & 0xff) / 255f;
            }
        }

        @Override
        public void reluDerivative(float[] z, float[] delta, int from, int to) {
            for (int i = from; i < to; i++) {
                delta[i] = z[i] > 0f ? delta[i] : 0f;
            }
        }

        @Override
        public void addTo(float[] from, int at, float[] to, int target, int count) {
            for (int i = 0; i < count; i++) {
                to[target + i] += from[at + i];
            }
        }

        /**
         * The best value so far is carried as raw bits rather than read back through its index, whose load
         * would wait on the comparison before it; no branch, since random winners defeat branch prediction.
         */
        @Override
        public void maxPool2(float[] x, int corner, int row, int m, int blocks, float[] z, int[] winners, int at) {
            for (int b = 0; b < blocks; b++, corner += 2 * m, at += m) {
                maxPool2Examples(x, corner, row, m, 0, m, z, winners, at);
            }
        }

        /** Examples [from, to) of the block at {@code corner}. */
        static void maxPool2Examples(float[] x, int corner, int row, int m, int from, int to, float[] z,
                                     int[] winners, int at) {
            for (int n = from; n < to; n++) {
                int i = corner + n;
                int best = i;
                int bits = Float.floatToRawIntBits(x[i]);
                for (int j = i + m, q = 0; q < 3; q++, j = q == 1 ? i + row : i + row + m) {
                    int next = Float.floatToRawIntBits(x[j]);
                    int wins = Float.floatToRawIntBits(Float.intBitsToFloat(bits) - x[j]) >> 31; // all ones when x[j] wins
                    best += (j - best) & wins;
                    bits ^= (bits ^ next) & wins;
                }
                z[at + n] = Float.intBitsToFloat(bits);
                winners[at + n] = best;
            }
        }
    }

    /** Constants of {@link #exp}, shared by both implementations. */
    final class ExpConstants {
        static final float MIN = -87f;
        static final float MAX = 88f;
        static final float LOG2E = 1.44269504f;
        /** 1.5·2²³: adding it rounds to an integer, which then sits in the low mantissa bits. */
        static final float ROUND = 12582912f;
        /** ln 2 split in two so that n·LN2_HI is exact. */
        static final float LN2_HI = 0.693145752f;
        static final float LN2_LO = 1.42860677e-6f;
        static final float C2 = 1f / 2;
        static final float C3 = 1f / 6;
        static final float C4 = 1f / 24;
        static final float C5 = 1f / 120;
        static final float C6 = 1f / 720;
        /** Bits of ROUND less the float exponent bias 127: (bits(t) − BIAS) is n + 127. */
        static final int BIAS = Float.floatToRawIntBits(ROUND) - 127;

        private ExpConstants() {
        }
    }
}
