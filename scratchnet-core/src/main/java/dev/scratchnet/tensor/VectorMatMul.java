package dev.scratchnet.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD products through the Vector API at the machine's preferred width, register-tiled: 6 rows × 2 vectors
 * (then 4 × 2, then single rows) for A·B and Aᵀ·B, and 2 × 4 dot products for A·Bᵀ (measured faster
 * than 4 × 3 on AVX2).
 *
 * <p>Only {@link Compute} loads this class, and only when the {@code jdk.incubator.vector} module is present.
 * Reproducibility: every sum is built from lanewise fused multiply-adds, whose results are fully specified;
 * the dot products of {@link #abt} add their lanes in a fixed sequential order rather than through
 * {@code reduceLanes}, whose order is unspecified.
 */
final class VectorMatMul implements MatMul {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void ab(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int n, int k, boolean accumulate) {
        strided(a, k, 1, 1f, b, c, rowFrom, rowTo, n, k, accumulate);
    }

    @Override
    public void atb(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int m, int n, int k, float alpha,
                    boolean accumulate) {
        strided(a, 1, m, alpha, b, c, rowFrom, rowTo, n, k, accumulate);
    }

    /** C[i][j] (+)= Σ_p α·A(i,p)·B[p][j], where A(i,p) = a[i·rs + p·ps]: A·B and Aᵀ·B in one loop nest. */
    private static void strided(float[] a, int rs, int ps, float alpha, float[] b, float[] c,
                                int rowFrom, int rowTo, int n, int k, boolean accumulate) {
        int nVec = n - n % L;
        int nPair = nVec - nVec % (2 * L);
        int i = rowFrom;
        for (; i + 6 <= rowTo; i += 6) {
            for (int j = 0; j < nPair; j += 2 * L) {
                tile6x2(a, rs, ps, alpha, b, c, i, j, n, k, accumulate);
            }
            rest(a, rs, ps, alpha, b, c, i, i + 6, nPair, nVec, n, k, accumulate);
        }
        for (; i + 4 <= rowTo; i += 4) {
            for (int j = 0; j < nPair; j += 2 * L) {
                tile4x2(a, rs, ps, alpha, b, c, i, j, n, k, accumulate);
            }
            rest(a, rs, ps, alpha, b, c, i, i + 4, nPair, nVec, n, k, accumulate);
        }
        for (; i < rowTo; i++) {
            for (int j = 0; j < nVec; j += L) {
                row1(a, rs, ps, alpha, b, c, i, j, n, k, accumulate);
            }
            scalarTail(a, rs, ps, alpha, b, c, i, nVec, n, k, accumulate);
        }
    }

    /** The columns a row tile's pairs of vectors left: one odd vector, then the scalar tail. */
    private static void rest(float[] a, int rs, int ps, float alpha, float[] b, float[] c, int from, int to,
                             int nPair, int nVec, int n, int k, boolean accumulate) {
        for (int r = from; r < to; r++) {
            if (nPair < nVec) {
                row1(a, rs, ps, alpha, b, c, r, nPair, n, k, accumulate);
            }
            scalarTail(a, rs, ps, alpha, b, c, r, nVec, n, k, accumulate);
        }
    }

    private static void tile6x2(float[] a, int rs, int ps, float alpha, float[] b, float[] c,
                                int i, int j, int n, int k, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        int c0 = i * n + j;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, c0); c01 = FloatVector.fromArray(S, c, c0 + L);
            c10 = FloatVector.fromArray(S, c, c0 + n); c11 = FloatVector.fromArray(S, c, c0 + n + L);
            c20 = FloatVector.fromArray(S, c, c0 + 2 * n); c21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
            c30 = FloatVector.fromArray(S, c, c0 + 3 * n); c31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
            c40 = FloatVector.fromArray(S, c, c0 + 4 * n); c41 = FloatVector.fromArray(S, c, c0 + 4 * n + L);
            c50 = FloatVector.fromArray(S, c, c0 + 5 * n); c51 = FloatVector.fromArray(S, c, c0 + 5 * n + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        }
        int a0 = i * rs;
        for (int p = 0, bp = j; p < k; p++, bp += n) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            int ap = a0 + p * ps;
            FloatVector x = FloatVector.broadcast(S, alpha * a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, alpha * a[ap + rs]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, alpha * a[ap + 2 * rs]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, alpha * a[ap + 3 * rs]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, alpha * a[ap + 4 * rs]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, alpha * a[ap + 5 * rs]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, c0); c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + n); c11.intoArray(c, c0 + n + L);
        c20.intoArray(c, c0 + 2 * n); c21.intoArray(c, c0 + 2 * n + L);
        c30.intoArray(c, c0 + 3 * n); c31.intoArray(c, c0 + 3 * n + L);
        c40.intoArray(c, c0 + 4 * n); c41.intoArray(c, c0 + 4 * n + L);
        c50.intoArray(c, c0 + 5 * n); c51.intoArray(c, c0 + 5 * n + L);
    }

    private static void tile4x2(float[] a, int rs, int ps, float alpha, float[] b, float[] c,
                                int i, int j, int n, int k, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        int c0 = i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, c0); c01 = FloatVector.fromArray(S, c, c0 + L);
            c10 = FloatVector.fromArray(S, c, c1); c11 = FloatVector.fromArray(S, c, c1 + L);
            c20 = FloatVector.fromArray(S, c, c2); c21 = FloatVector.fromArray(S, c, c2 + L);
            c30 = FloatVector.fromArray(S, c, c3); c31 = FloatVector.fromArray(S, c, c3 + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        }
        int a0 = i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        for (int p = 0, bp = j; p < k; p++, bp += n) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            int ap = p * ps;
            FloatVector x = FloatVector.broadcast(S, alpha * a[a0 + ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, alpha * a[a1 + ap]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, alpha * a[a2 + ap]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, alpha * a[a3 + ap]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, c0); c01.intoArray(c, c0 + L);
        c10.intoArray(c, c1); c11.intoArray(c, c1 + L);
        c20.intoArray(c, c2); c21.intoArray(c, c2 + L);
        c30.intoArray(c, c3); c31.intoArray(c, c3 + L);
    }

    private static void row1(float[] a, int rs, int ps, float alpha, float[] b, float[] c,
                             int i, int j, int n, int k, boolean accumulate) {
        int ci = i * n + j;
        FloatVector acc = accumulate ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
        int ai = i * rs;
        for (int p = 0, bp = j; p < k; p++, bp += n) {
            acc = FloatVector.broadcast(S, alpha * a[ai + p * ps]).fma(FloatVector.fromArray(S, b, bp), acc);
        }
        acc.intoArray(c, ci);
    }

    private static void scalarTail(float[] a, int rs, int ps, float alpha, float[] b, float[] c,
                                   int i, int jFrom, int n, int k, boolean accumulate) {
        int ai = i * rs;
        for (int j = jFrom; j < n; j++) {
            float sum = accumulate ? c[i * n + j] : 0f;
            for (int p = 0; p < k; p++) {
                sum = Math.fma(alpha * a[ai + p * ps], b[p * n + j], sum);
            }
            c[i * n + j] = sum;
        }
    }

    @Override
    public void abt(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int colFrom, int colTo, int n, int k) {
        int i = rowFrom;
        for (; i + 2 <= rowTo; i += 2) {
            int j = colFrom;
            for (; j + 4 <= colTo; j += 4) {
                dot2x4(a, b, c, i, j, n, k);
            }
            for (; j < colTo; j++) {
                c[i * n + j] = dot(a, i * k, b, j * k, k);
                c[(i + 1) * n + j] = dot(a, (i + 1) * k, b, j * k, k);
            }
        }
        for (; i < rowTo; i++) {
            for (int j = colFrom; j < colTo; j++) {
                c[i * n + j] = dot(a, i * k, b, j * k, k);
            }
        }
    }

    /** Eight dot products: rows i, i+1 of A with rows j..j+3 of B. */
    private static void dot2x4(float[] a, float[] b, float[] c, int i, int j, int n, int k) {
        int kVec = k - k % L;
        int a0 = i * k, a1 = a0 + k;
        int b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int p = 0; p < kVec; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector w = FloatVector.fromArray(S, b, b0 + p);
            s00 = x0.fma(w, s00); s10 = x1.fma(w, s10);
            w = FloatVector.fromArray(S, b, b1 + p);
            s01 = x0.fma(w, s01); s11 = x1.fma(w, s11);
            w = FloatVector.fromArray(S, b, b2 + p);
            s02 = x0.fma(w, s02); s12 = x1.fma(w, s12);
            w = FloatVector.fromArray(S, b, b3 + p);
            s03 = x0.fma(w, s03); s13 = x1.fma(w, s13);
        }
        int c0 = i * n + j, c1 = c0 + n;
        c[c0] = tail(a, a0, b, b0, kVec, k, sumLanes(s00));
        c[c0 + 1] = tail(a, a0, b, b1, kVec, k, sumLanes(s01));
        c[c0 + 2] = tail(a, a0, b, b2, kVec, k, sumLanes(s02));
        c[c0 + 3] = tail(a, a0, b, b3, kVec, k, sumLanes(s03));
        c[c1] = tail(a, a1, b, b0, kVec, k, sumLanes(s10));
        c[c1 + 1] = tail(a, a1, b, b1, kVec, k, sumLanes(s11));
        c[c1 + 2] = tail(a, a1, b, b2, kVec, k, sumLanes(s12));
        c[c1 + 3] = tail(a, a1, b, b3, kVec, k, sumLanes(s13));
    }

    private static float dot(float[] a, int ai, float[] b, int bj, int k) {
        int kVec = k - k % L;
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kVec; p += L) {
            s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
        }
        return tail(a, ai, b, bj, kVec, k, sumLanes(s));
    }

    private static float tail(float[] a, int ai, float[] b, int bj, int from, int k, float sum) {
        for (int p = from; p < k; p++) {
            sum = Math.fma(a[ai + p], b[bj + p], sum);
        }
        return sum;
    }

    /** Adds the lanes in index order: a fixed order, unlike reduceLanes. */
    private static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int l = 0; l < L; l++) {
            s += v.lane(l);
        }
        return s;
    }
}
