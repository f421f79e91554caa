package dev.scratchnet.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD products through the Vector API at the machine's preferred width (L lanes), in the manner of
 * GotoBLAS (Goto and van de Geijn 2008): k is cut into blocks of at most {@value #KC}; each block of B is
 * packed into panels of NR = 2·L columns, stored p-major so that the micro-kernel reads it as one stream
 * (zero-padded at the right edge); then a register tile of 6 rows × NR columns (12 vector accumulators, A
 * broadcast, B loaded, fused multiply-add) runs down the block, and its sums are added into C. Tiles of 4
 * and 1 rows finish the rows that 6-row tiles leave ({@link #sixRowTiles}).
 *
 * <p>A·Bᵀ products of few rows (a mini-batch of 10) instead take dot products along k in 5 × 4 tiles (at 512
 * bits), then 2 × 4 (and 5 × 1 down the columns left over), which need no packing: at those sizes packing B
 * would cost more than the product. Each dot product has one accumulator whatever tile it falls in, so every element is summed
 * in the same order however a product is split, and results do not depend on the thread count.
 *
 * <p>Only {@link Compute} loads this class, and only when the {@code jdk.incubator.vector} module is present.
 * Each thread packs into its own scratch buffers, kept per thread and grown only when a larger product
 * comes, so a warmed-up product allocates nothing. Reproducibility: every sum is built from lanewise fused
 * multiply-adds, whose results are fully specified; the dot products add their lanes in a fixed sequential
 * order rather than through {@code reduceLanes}, whose order is unspecified.
 */
final class VectorMatMul implements MatMul {

    private static final VectorSpecies<Float> S = Simd.FLOATS;
    private static final int L = S.length();
    /** Columns of a packed panel and of the register tile. */
    private static final int NR = 2 * L;
    /** The longest stretch of k one pass of the register tile covers. */
    private static final int KC = 256;
    /** Rows of A one pass over a block of packed B covers (so they stay in the level-2 cache). */
    private static final int MC = 96;
    /**
     * A product deeper than {@value #KC} adds each block's sums into C; where C is larger than the level-2
     * cache, it came back from the level-3 cache (shared with the machine's other tenants) once per block. So
     * such a product goes a stretch of columns at a time, all of k for each: as many whole panels as keep the
     * stretch of C within this size (one panel at least), so that it stays in the level-2 cache between blocks.
     * Each element's sums are the same, in the same order.
     */
    private static final int C_CHUNK_BYTES = 512 * 1024;
    /** A·Bᵀ with fewer rows than this uses dot products (no packing). */
    private static final int PACK_MIN_ROWS = 16;
    /**
     * A packed A·Bᵀ with at least this many times more columns than rows (a dense layer's forward product on
     * a mini-batch of 32: 32 × 512) is computed as Cᵀ = B·Aᵀ: the weights B are read in place and the
     * mini-batch A is packed instead, once per thread ({@link Compute} splits such a product by columns);
     * its sums go into C transposed. The same multiply-adds in the same order, so the same bits. So is a
     * mini-batch whose examples fill whole panels where the layer's neurons do not
     * ({@link Compute#abtSwapsForPanels}; in row items of 32 examples, each thread packing the examples it takes).
     */
    private static final int SWAP_MIN_RATIO = Compute.SWAP_MIN_RATIO;
    /**
     * A·Bᵀ at least this many times deeper than m + n uses dot products too: packing would copy all of the
     * long rows of B for a product that reuses each value only m times (a conv layer's weight gradient,
     * k = m·OH·OW). No MLP product of the presets or the bench is that deep.
     */
    private static final int DOTS_MIN_DEPTH = 16;
    /** ... and at least this deep, which leaves every dense product on MNIST's 784 inputs as it was. */
    private static final int DOTS_MIN_K = 2048;
    /**
     * A weight gradient added into C (plain SGD's w −= (η/m)·δᵀ·x) at most this deep (a mini-batch of 10 or
     * 16) goes through {@link #tile4Add}.
     */
    private static final int ADD_IN_TILE_MAX_K = 16;
    /**
     * {@link #dot5x4} keeps 25 vectors live: AVX-512 has 32 registers, AVX2 16, so at 256 bits the dot
     * products stay in 2 × 4 tiles (the same sums either way; only 512 bits was timed).
     */
    private static final int FIVE_ROW_DOTS_MIN_LANES = 16;

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "vector-" + vectorBits();
    }

    @Override
    public int vectorBits() {
        return S.vectorBitSize();
    }


    @Override
    public void ab(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int n, int k, boolean accumulate) {
        packed(a, k, 1, b, n, 1, c, n, 1, rowFrom, rowTo, 0, n, k, 1f, accumulate);
    }


    @Override
    public void abColumns(float[] a, float[] b, float[] c, int m, int colFrom, int colTo, int n, int k,
                          boolean accumulate) {
        packed(a, k, 1, b, n, 1, c, n, 1, 0, m, colFrom, colTo, k, 1f, accumulate);
    }

    @Override
    public void atb(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int m, int n, int k, float alpha,
                    boolean accumulate) {
        packed(a, 1, m, b, n, 1, c, n, 1, rowFrom, rowTo, 0, n, k, alpha, accumulate);
    }

    /** With {@code done} run after each block of {@value #MC} rows. */
    @Override
    public void atb(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int m, int n, int k, float alpha,
                    boolean accumulate, Compute.Parts done) {
        packedRows(a, 1, m, b, n, 1, c, 0, n, rowFrom, rowTo, 0, n, k, alpha, accumulate, done);
    }

    @Override
    public void atbColumns(float[] a, float[] b, float[] c, int m, int colFrom, int colTo, int n, int k, float alpha,
                           boolean accumulate) {
        packed(a, 1, m, b, n, 1, c, n, 1, 0, m, colFrom, colTo, k, alpha, accumulate);
    }

    /**
     * C(i,j) = α·Σ_p A(i,p)·B(p,j) (+ C(i,j) when {@code accumulate}) for the rows [rowFrom, rowTo) and
     * columns [colFrom, colTo), where A(i,p) = a[i·ars + p·aps], B(p,j) = b[p·bps + j·bjs] and
     * C(i,j) = c[i·crs + j·ccs]: A·B, Aᵀ·B and A·Bᵀ in one loop nest, and with crs = 1 the transpose of a
     * product. Each sum runs over p in increasing order, block after block.
     */
    private void packed(float[] a, int ars, int aps, float[] b, int bps, int bjs, float[] c, int crs, int ccs,
                        int rowFrom, int rowTo, int colFrom, int colTo, int k, float alpha, boolean accumulate) {
        if (ccs == 1) {
            packedRows(a, ars, aps, b, bps, bjs, c, 0, crs, rowFrom, rowTo, colFrom, colTo, k, alpha, accumulate, null);
            return;
        }
        // C written transposed (Cᵀ = B·Aᵀ, only abt's, which never accumulates): the blocks' sums are merged,
        // by whole vectors, into a row-major copy of this part of C, which then goes into C once; the same
        // additions in the same order.
        int width = colTo - colFrom, rows = rowTo - rowFrom;
        float[] part = scratch.get().part(rows * width);
        int offset = -(rowFrom * width + colFrom);
        packedRows(a, ars, aps, b, bps, bjs, part, offset, width, rowFrom, rowTo, colFrom, colTo, k, alpha, false, null);
        for (int j = colFrom; j < colTo; j++) { // C's column j is the copy's column j, down its rows
            for (int i = rowFrom, from = j - colFrom; i < rowTo; i++, from += width) {
                c[i * crs + j * ccs] = part[from];
            }
        }
    }

    /**
     * {@link #packed} into C(i, j) = c[c0 + i·crs + j], whose rows are contiguous; when {@code done} is not
     * null (all the columns, crs = their count), it gets each block of rows once the last block of k is in.
     * It is called here, not in {@link #rowBlock}, and through {@link Compute#runHere}: what it runs (an
     * optimizer's rule, SIMD itself) must not be inlined into the tiles' method, which would outgrow C2's
     * node budget and box vectors (docs/backpropagation.md, "keeping the kernels compiled").
     */
    private void packedRows(float[] a, int ars, int aps, float[] b, int bps, int bjs, float[] c, int c0, int crs,
                            int rowFrom, int rowTo, int colFrom, int colTo, int k, float alpha, boolean accumulate,
                            Compute.Parts done) {
        int blocks = (k + KC - 1) / KC;
        // done takes whole rows, finished only once all of their columns have had the last block of k
        int chunk = done == null && blocks > 1 ? columnChunk(rowTo - rowFrom) : colTo - colFrom;
        Scratch s = scratch.get();
        for (int j0 = colFrom; j0 < colTo; j0 += chunk) {
            int j1 = Math.min(colTo, j0 + chunk), panels = (j1 - j0 + NR - 1) / NR;
            for (int block = 0; block < blocks; block++) {
                int p0 = k * block / blocks, kc = k * (block + 1) / blocks - p0;
                float[] packedB = s.packedB(panels * NR * kc);
                packB(b, bps, bjs, p0, kc, j0, j1, packedB);
                boolean add = accumulate || block > 0;
                for (int i0 = rowFrom; i0 < rowTo; i0 += MC) {
                    int i1 = Math.min(rowTo, i0 + MC);
                    rowBlock(a, ars, aps, packedB, p0, kc, c, c0, crs, i0, i1, j0, j1, alpha, add, s.tile);
                    if (done != null && block == blocks - 1) {
                        Compute.runHere(done, c0 + i0 * crs, c0 + i1 * crs);
                    }
                }
            }
        }
    }

    /**
     * Columns of C per pass over all of k: as many whole panels as keep that stretch of C, rows × columns,
     * within {@value #C_CHUNK_BYTES}, at least one.
     */
    private static int columnChunk(int rows) {
        return Math.max(1, C_CHUNK_BYTES / (Float.BYTES * NR * Math.max(1, rows))) * NR;
    }

    /** The rows [i0, i1) of one block of k (from p0, kc deep) against every packed panel of B. */
    private static void rowBlock(float[] a, int ars, int aps, float[] packedB, int p0, int kc, float[] c, int c0,
                                 int crs, int i0, int i1, int colFrom, int colTo, float alpha, boolean add,
                                 float[] tile) {
        int panels = (colTo - colFrom + NR - 1) / NR;
        for (int panel = 0; panel < panels; panel++) {
            int j = colFrom + panel * NR, width = Math.min(NR, colTo - j), bi = panel * NR * kc;
            int i = i0;
            int sixes = sixRowTiles(i1 - i0);
            if (width <= L) { // a last panel of one vector's width or less: its other half is zeros
                for (int t = 0; t < sixes; t++, i += 6) {
                    tile6Half(a, i * ars + p0 * aps, ars, aps, packedB, bi, kc, tile);
                    merge(tile, 6, c, c0, i, j, width, crs, alpha, add);
                }
            }
            if (width == NR && add && ars == 1 && kc <= ADD_IN_TILE_MAX_K) { // see tile4Add
                int quads = (i1 - i) / 4;
                tile4Add(a, i + p0 * aps, aps, packedB, bi, kc, c, c0 + i * crs + j, crs, alpha, quads);
                i += 4 * quads;
                sixes = 0; // the rows left, up to three, go to the 1-row tile
            }
            for (int end = i0 + 6 * sixes; i < end; i += 6) {
                if (width == NR && !add && alpha == 1f && ars == 1) { // see tile6
                    tile6(a, i * ars + p0 * aps, ars, aps, packedB, bi, kc, c, c0 + i * crs + j, crs);
                } else {
                    tile6(a, i * ars + p0 * aps, ars, aps, packedB, bi, kc, tile, 0, NR);
                    merge(tile, 6, c, c0, i, j, width, crs, alpha, add);
                }
            }
            for (; i + 4 <= i1; i += 4) {
                tile4(a, i * ars + p0 * aps, ars, aps, packedB, bi, kc, tile);
                merge(tile, 4, c, c0, i, j, width, crs, alpha, add);
            }
            for (; i < i1; i++) {
                tile1(a, i * ars + p0 * aps, aps, packedB, bi, kc, tile);
                merge(tile, 1, c, c0, i, j, width, crs, alpha, add);
            }
        }
    }

    /**
     * How many 6-row tiles to run down {@code rows} rows before the 4-row and 1-row tiles: all that fit,
     * except that 2 or 3 rows left over become 8 or 9 (two 4-row tiles, and a 1-row tile for the ninth), since a 1-row
     * tile's two accumulators wait on each multiply-add. Which tile covers a row never changes its sums.
     */
    static int sixRowTiles(int rows) {
        int sixes = rows / 6, rest = rows % 6;
        return (rest == 2 || rest == 3) && sixes > 0 ? sixes - 1 : sixes;
    }

    /**
     * Packs B(p0 .. p0+kc−1, colFrom .. colTo−1) into panels of NR columns: panel q holds
     * B(p, colFrom + q·NR + jj) at q·NR·kc + (p − p0)·NR + jj, zero beyond the last column.
     */
    private static void packB(float[] b, int bps, int bjs, int p0, int kc, int colFrom, int colTo,
                              float[] packedB) {
        for (int j0 = colFrom, dst = 0; j0 < colTo; j0 += NR, dst += NR * kc) {
            int width = Math.min(NR, colTo - j0);
            if (width == NR && bjs == 1) {
                for (int p = 0, src = p0 * bps + j0, d = dst; p < kc; p++, src += bps, d += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(packedB, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(packedB, d + L);
                }
            } else if (bps == 1) { // B read transposed: each row of b runs down one column
                if (width < NR) {
                    java.util.Arrays.fill(packedB, dst, dst + NR * kc, 0f);
                }
                for (int jj = 0; jj < width; jj++) {
                    for (int p = 0, src = (j0 + jj) * bjs + p0, d = dst + jj; p < kc; p++, d += NR) {
                        packedB[d] = b[src + p];
                    }
                }
            } else {
                for (int p = 0, d = dst; p < kc; p++, d += NR) {
                    int src = (p0 + p) * bps + j0 * bjs;
                    for (int jj = 0; jj < width; jj++, src += bjs) {
                        packedB[d + jj] = b[src];
                    }
                    java.util.Arrays.fill(packedB, d + width, d + NR, 0f);
                }
            }
        }
    }

    /**
     * Adds (or writes) α times a tile of sums into C's rows [i, i + rows), columns [j, j + width), where
     * C(i, j) is c[c0 + i·crs + j]: whole vectors, then the columns left over one by one.
     */
    private static void merge(float[] tile, int rows, float[] c, int c0, int i, int j, int width, int crs,
                              float alpha, boolean add) {
        int vectors = width - width % L;
        for (int r = 0; r < rows; r++) {
            int ci = c0 + (i + r) * crs + j, t = r * NR;
            for (int v = 0; v < vectors; v += L) {
                FloatVector sum = FloatVector.fromArray(S, tile, t + v).mul(alpha);
                (add ? sum.add(FloatVector.fromArray(S, c, ci + v)) : sum).intoArray(c, ci + v);
            }
            for (int jj = vectors; jj < width; jj++) {
                float sum = alpha * tile[t + jj];
                c[ci + jj] = add ? c[ci + jj] + sum : sum;
            }
        }
    }

    /**
     * Six rows of A (from a[ai], rows rs apart, p advancing by ps) times one packed panel: 12 accumulators,
     * stored to out[o + r·ors ..]: the tile buffer, or C itself when C is just the sums (α = 1, nothing to add)
     * and A is read down its columns (ars = 1: a dense layer's weight gradient, where this made a 512 × 784 one
     * at mini-batch 32 a fifth faster; also a conv layer's Wᵀ·δ, not timed). Where A's rows are as far apart as C's (a 1024³ product: 4 KB), storing into C made
     * the product slower (244 against 297 GFLOP/s), likely the loads of A waiting on those stores (their
     * addresses alike in the low 12 bits). Nothing more is done
     * with the sums here: adding α times them to C as well made this method about 70 vector operations, past
     * C2's node budget, and in some JVMs (1 in 20 runs of AllocationTest on JDK 17) the stores were compiled
     * as calls that box their vectors; scaling and adding stay in {@link #merge}.
     */
    private static void tile6(float[] a, int ai, int rs, int ps, float[] bp, int bi, int kc, float[] out, int o,
                              int ors) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int end = bi + kc * NR; bi < end; bi += NR, ai += ps) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + rs]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + r4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + r5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + L);
        c10.intoArray(out, o + ors); c11.intoArray(out, o + ors + L);
        c20.intoArray(out, o + 2 * ors); c21.intoArray(out, o + 2 * ors + L);
        c30.intoArray(out, o + 3 * ors); c31.intoArray(out, o + 3 * ors + L);
        c40.intoArray(out, o + 4 * ors); c41.intoArray(out, o + 4 * ors + L);
        c50.intoArray(out, o + 5 * ors); c51.intoArray(out, o + 5 * ors + L);
    }

    /**
     * C += α·(four rows of A times one packed panel), for {@code quads} fours of rows one after the other, A read
     * down its columns (a[ai + r + p·ps]): eight accumulators, then α·sum + C straight from the registers, the very
     * operations of {@link #merge}. When k is a mini-batch of 10, adding into C costs about as much as the sums,
     * and skipping the tile buffer's round trip paid (with three rows at first: [784,100,10] at mini-batch 10
     * trained 20,000 examples in 100 against 128 ms and 102 against 122 ms; Zen 5, 512 bits). Four rows, not three:
     * each packed vector of B loaded serves eight multiply-adds instead of six, and eight independent sums hide the
     * multiply-add's latency over the ten steps of k (docs/backpropagation.md, "The products"). About 46 vector
     * operations; six rows (twelve accumulators, about 70) were faster still but past the size at which C2 has
     * boxed vectors on JDK 17 (see {@link #tile6}). At 32 and 128 deep, B reloaded for every few rows cost more
     * than the buffer saved. One call runs {@code quads} such tiles down the panel: at ten steps of k a tile is
     * about as short as the call that starts it ([784,100,10] at mini-batch 10 trained its rounds in 0.97 and 0.92
     * of the time it took with a call per tile; Zen 5, 512 bits).
     */
    private static void tile4Add(float[] a, int ai, int ps, float[] bp, int bi, int kc, float[] c, int ci, int crs,
                                 float alpha, int quads) {
        for (int q = 0; q < quads; q++, ai += 4, ci += 4 * crs) {
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
            FloatVector c30 = c00, c31 = c00;
            for (int p = bi, end = bi + kc * NR, ap = ai; p < end; p += NR, ap += ps) {
                FloatVector b0 = FloatVector.fromArray(S, bp, p);
                FloatVector b1 = FloatVector.fromArray(S, bp, p + L);
                FloatVector x = FloatVector.broadcast(S, a[ap]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[ap + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[ap + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[ap + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            }
            int r = ci;
            c00.mul(alpha).add(FloatVector.fromArray(S, c, r)).intoArray(c, r);
            c01.mul(alpha).add(FloatVector.fromArray(S, c, r + L)).intoArray(c, r + L);
            r += crs;
            c10.mul(alpha).add(FloatVector.fromArray(S, c, r)).intoArray(c, r);
            c11.mul(alpha).add(FloatVector.fromArray(S, c, r + L)).intoArray(c, r + L);
            r += crs;
            c20.mul(alpha).add(FloatVector.fromArray(S, c, r)).intoArray(c, r);
            c21.mul(alpha).add(FloatVector.fromArray(S, c, r + L)).intoArray(c, r + L);
            r += crs;
            c30.mul(alpha).add(FloatVector.fromArray(S, c, r)).intoArray(c, r);
            c31.mul(alpha).add(FloatVector.fromArray(S, c, r + L)).intoArray(c, r + L);
        }
    }

    /** {@link #tile6} for the first L columns of the panel alone: the same sums, half the multiply-adds. */
    private static void tile6Half(float[] a, int ai, int rs, int ps, float[] bp, int bi, int kc, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        int r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int end = bi + kc * NR; bi < end; bi += NR, ai += ps) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ai + rs]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ai + r2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ai + r3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ai + r4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ai + r5]).fma(b0, c5);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
    }

    private static void tile4(float[] a, int ai, int rs, int ps, float[] bp, int bi, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int r2 = 2 * rs, r3 = 3 * rs;
        for (int end = bi + kc * NR; bi < end; bi += NR, ai += ps) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + rs]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
    }

    private static void tile1(float[] a, int ai, int ps, float[] bp, int bi, int kc, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int end = bi + kc * NR; bi < end; bi += NR, ai += ps) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c0 = x.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = x.fma(FloatVector.fromArray(S, bp, bi + L), c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
    }

    /** One thread's packing buffers. */
    private static final class Scratch {
        final float[] tile = new float[20 * L];
        private float[] packedB = new float[0];
        private float[] part = new float[0];

        /** A row-major copy of the part of a product written transposed. */
        float[] part(int size) {
            if (part.length < size) {
                part = new float[size];
            }
            return part;
        }

        float[] packedB(int size) {
            if (packedB.length < size) {
                packedB = new float[size];
            }
            return packedB;
        }
    }


    @Override
    public void abt(float[] a, float[] b, float[] c, int m, int rowFrom, int rowTo, int colFrom, int colTo, int n,
                    int k) {
        if (m >= PACK_MIN_ROWS && (k < DOTS_MIN_DEPTH * (long) (m + n) || k < DOTS_MIN_K)) {
            if (n >= SWAP_MIN_RATIO * m || Compute.abtSwapsForPanels(m, n)) { // Cᵀ = B·Aᵀ
                packed(b, k, 1, a, 1, k, c, 1, n, colFrom, colTo, rowFrom, rowTo, k, 1f, false);
            } else {
                packed(a, k, 1, b, 1, k, c, n, 1, rowFrom, rowTo, colFrom, colTo, k, 1f, false);
            }
            return;
        }
        float[] lanes = scratch.get().tile;
        int quadsTo = colFrom + (colTo - colFrom) / 4 * 4;
        int fivesTo = L >= FIVE_ROW_DOTS_MIN_LANES ? rowFrom + (rowTo - rowFrom) / 5 * 5 : rowFrom;
        int pairsTo = fivesTo + (rowTo - fivesTo) / 2 * 2;
        for (int j = colFrom; j < quadsTo; j += 4) { // B's four rows stay in L1 while A's go past (k up to ~3,000)
            for (int i = rowFrom; i < fivesTo; i += 5) {
                dot5x4(a, b, c, i, j, n, k, lanes);
            }
            for (int i = fivesTo; i < pairsTo; i += 2) {
                dot2x4(a, b, c, i, j, n, k, lanes);
            }
        }
        for (int i = pairsTo; i < rowTo; i++) {
            for (int j = colFrom; j < quadsTo; j++) {
                c[i * n + j] = dot(a, i * k, b, j * k, k, lanes);
            }
        }
        for (int j = quadsTo; j < colTo; j++) { // the last columns, down all the rows: 5 sums at a time
            int r = rowFrom;
            for (; r + 5 <= rowTo; r += 5) {
                dot5x1(a, b, c, r, j, n, k, lanes);
            }
            for (; r < rowTo; r++) {
                c[r * n + j] = dot(a, r * k, b, j * k, k, lanes);
            }
        }
    }

    /**
     * Five dot products: rows i..i+4 of A with row j of B. One sum alone waits on each fused multiply-add
     * before the next; five run side by side.
     */
    private static void dot5x1(float[] a, float[] b, float[] c, int i, int j, int n, int k, float[] lanes) {
        int kVec = k - k % L;
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, bj = j * k;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0;
        for (int p = 0; p < kVec; p += L) {
            FloatVector w = FloatVector.fromArray(S, b, bj + p);
            s0 = FloatVector.fromArray(S, a, a0 + p).fma(w, s0);
            s1 = FloatVector.fromArray(S, a, a1 + p).fma(w, s1);
            s2 = FloatVector.fromArray(S, a, a2 + p).fma(w, s2);
            s3 = FloatVector.fromArray(S, a, a3 + p).fma(w, s3);
            s4 = FloatVector.fromArray(S, a, a4 + p).fma(w, s4);
        }
        s0.intoArray(lanes, 0); s1.intoArray(lanes, L); s2.intoArray(lanes, 2 * L); s3.intoArray(lanes, 3 * L);
        s4.intoArray(lanes, 4 * L);
        for (int r = 0, ai = a0; r < 5; r++, ai += k) {
            c[(i + r) * n + j] = tail(a, ai, b, bj, kVec, k, sumLanes(lanes, r * L));
        }
    }

    /**
     * Twenty dot products: rows i..i+4 of A with rows j..j+3 of B. Each step of p loads nine vectors for
     * twenty multiply-adds (dot2x4: six for eight), so the loop is bound by the multiply-adds rather than by
     * the loads; 20 accumulators, 4 rows of B and one of A fit AVX-512's 32 registers. Each sum is taken lane
     * by lane in the order of p and its lanes added in index order, as in {@link #dot2x4}, so the bits are
     * the same whichever of the two computes an element.
     */
    private static void dot5x4(float[] a, float[] b, float[] c, int i, int j, int n, int k, float[] lanes) {
        int kVec = k - k % L;
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k;
        int b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        FloatVector s40 = s00, s41 = s00, s42 = s00, s43 = s00;
        for (int p = 0; p < kVec; p += L) {
            FloatVector w0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector w1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector w2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector w3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(w0, s00); s01 = x.fma(w1, s01); s02 = x.fma(w2, s02); s03 = x.fma(w3, s03);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(w0, s10); s11 = x.fma(w1, s11); s12 = x.fma(w2, s12); s13 = x.fma(w3, s13);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(w0, s20); s21 = x.fma(w1, s21); s22 = x.fma(w2, s22); s23 = x.fma(w3, s23);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(w0, s30); s31 = x.fma(w1, s31); s32 = x.fma(w2, s32); s33 = x.fma(w3, s33);
            x = FloatVector.fromArray(S, a, a4 + p);
            s40 = x.fma(w0, s40); s41 = x.fma(w1, s41); s42 = x.fma(w2, s42); s43 = x.fma(w3, s43);
        }
        s00.intoArray(lanes, 0); s01.intoArray(lanes, L);
        s02.intoArray(lanes, 2 * L); s03.intoArray(lanes, 3 * L);
        s10.intoArray(lanes, 4 * L); s11.intoArray(lanes, 5 * L);
        s12.intoArray(lanes, 6 * L); s13.intoArray(lanes, 7 * L);
        s20.intoArray(lanes, 8 * L); s21.intoArray(lanes, 9 * L);
        s22.intoArray(lanes, 10 * L); s23.intoArray(lanes, 11 * L);
        s30.intoArray(lanes, 12 * L); s31.intoArray(lanes, 13 * L);
        s32.intoArray(lanes, 14 * L); s33.intoArray(lanes, 15 * L);
        s40.intoArray(lanes, 16 * L); s41.intoArray(lanes, 17 * L);
        s42.intoArray(lanes, 18 * L); s43.intoArray(lanes, 19 * L);
        for (int r = 0; r < 5; r++) {
            int ar = a0 + r * k, cr = (i + r) * n + j, l = 4 * r * L;
            c[cr] = tail(a, ar, b, b0, kVec, k, sumLanes(lanes, l));
            c[cr + 1] = tail(a, ar, b, b1, kVec, k, sumLanes(lanes, l + L));
            c[cr + 2] = tail(a, ar, b, b2, kVec, k, sumLanes(lanes, l + 2 * L));
            c[cr + 3] = tail(a, ar, b, b3, kVec, k, sumLanes(lanes, l + 3 * L));
        }
    }

    /**
     * Eight dot products: rows i, i+1 of A with rows j..j+3 of B. The accumulators go to {@code lanes}
     * (8·L floats), whose lanes are then added in index order.
     */
    private static void dot2x4(float[] a, float[] b, float[] c, int i, int j, int n, int k, float[] lanes) {
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
        s00.intoArray(lanes, 0); s01.intoArray(lanes, L); s02.intoArray(lanes, 2 * L); s03.intoArray(lanes, 3 * L);
        s10.intoArray(lanes, 4 * L); s11.intoArray(lanes, 5 * L); s12.intoArray(lanes, 6 * L); s13.intoArray(lanes, 7 * L);
        int c0 = i * n + j, c1 = c0 + n; // written out: a loop over r and q here measured 5-9% slower
        c[c0] = tail(a, a0, b, b0, kVec, k, sumLanes(lanes, 0));
        c[c0 + 1] = tail(a, a0, b, b1, kVec, k, sumLanes(lanes, L));
        c[c0 + 2] = tail(a, a0, b, b2, kVec, k, sumLanes(lanes, 2 * L));
        c[c0 + 3] = tail(a, a0, b, b3, kVec, k, sumLanes(lanes, 3 * L));
        c[c1] = tail(a, a1, b, b0, kVec, k, sumLanes(lanes, 4 * L));
        c[c1 + 1] = tail(a, a1, b, b1, kVec, k, sumLanes(lanes, 5 * L));
        c[c1 + 2] = tail(a, a1, b, b2, kVec, k, sumLanes(lanes, 6 * L));
        c[c1 + 3] = tail(a, a1, b, b3, kVec, k, sumLanes(lanes, 7 * L));
    }

    private static float dot(float[] a, int ai, float[] b, int bj, int k, float[] lanes) {
        int kVec = k - k % L;
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kVec; p += L) {
            s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
        }
        s.intoArray(lanes, 0);
        return tail(a, ai, b, bj, kVec, k, sumLanes(lanes, 0));
    }

    private static float tail(float[] a, int ai, float[] b, int bj, int from, int k, float sum) {
        for (int p = from; p < k; p++) {
            sum = Math.fma(a[ai + p], b[bj + p], sum);
        }
        return sum;
    }

    /**
     * Adds the L lanes stored at {@code lanes[from]} in index order: a fixed order, unlike reduceLanes, and
     * much cheaper than reading the lanes one by one out of the vector.
     */
    private static float sumLanes(float[] lanes, int from) {
        float s = 0f;
        for (int l = from; l < from + L; l++) {
            s += lanes[l];
        }
        return s;
    }
}
