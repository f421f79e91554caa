package dev.scratchnet.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast kernel against the plain reference on random shapes, odd sizes included. Error bound:
 * |c − ref| ≤ 1e-5 · Σ_p |a_ip·b_pj| for every element, the relative error of a float sum measured against
 * the size of its terms (so a sum that cancels to near zero is not held to an impossible relative bound).
 */
class MatMulTest {

    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 5, 7}, {4, 16, 8}, {10, 100, 784}, {10, 784, 100}, {13, 37, 29}, {128, 100, 784},
        {100, 784, 128}, {7, 33, 65}, {64, 10, 100}, {9, 17, 3}, {2, 8, 1}, {17, 33, 300}, {40, 50, 700},
        {31, 129, 513}, {16, 300, 40}, {32, 520, 70}, {100, 784, 10}, {13, 70, 16}, {30, 784, 10}, {5, 64, 10},
        {98, 40, 16}, {2200, 100, 300}, {96, 1536, 300}, // the last two go a stretch of columns at a time
    };

    private final MatMul fast = Kernels.best();
    private final MatMul reference = Kernels.reference();

    @Test
    void theFastKernelIsTheVectorKernelWhenTheModuleIsPresent() {
        assertThat(Kernels.vectorApiPresent()).as("tests run with --add-modules jdk.incubator.vector").isTrue();
        assertThat(fast.name()).startsWith("vector-");
    }

    @Test
    void abAgreesWithReference() {
        Random random = new Random(7);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, m * k), b = random(random, k * n);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] c0 = random(random, m * n);
                float[] c1 = c0.clone();
                float[] expected = c0.clone();
                reference.ab(a, b, expected, 0, m, n, k, accumulate);
                fast.ab(a, b, c1, 0, m, n, k, accumulate);
                float[] scale = termScale(m, n, k, (i, p) -> a[i * k + p], (p, j) -> b[p * n + j]);
                assertClose(c1, expected, scale, accumulate ? c0 : null, "ab " + m + "x" + n + "x" + k);
            }
        }
    }

    @Test
    void atbAgreesWithReference() {
        Random random = new Random(8);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, k * m), b = random(random, k * n);
            for (float alpha : new float[] {1f, -0.25f}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] c0 = random(random, m * n);
                    float[] expected = c0.clone(), actual = c0.clone();
                    reference.atb(a, b, expected, 0, m, m, n, k, alpha, accumulate);
                    fast.atb(a, b, actual, 0, m, m, n, k, alpha, accumulate);
                    float[] scale = termScale(m, n, k, (i, p) -> alpha * a[p * m + i], (p, j) -> b[p * n + j]);
                    assertClose(actual, expected, scale, accumulate ? c0 : null,
                            "atb " + m + "x" + n + "x" + k + " alpha " + alpha + " accumulate " + accumulate);
                }
            }
        }
    }

    @Test
    void abtAgreesWithReference() {
        Random random = new Random(9);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, m * k), b = random(random, n * k);
            float[] expected = new float[m * n], actual = new float[m * n];
            reference.abt(a, b, expected, m, 0, m, 0, n, n, k);
            fast.abt(a, b, actual, m, 0, m, 0, n, n, k);
            assertClose(actual, expected, termScale(m, n, k, (i, p) -> a[i * k + p], (p, j) -> b[j * k + p]), null,
                    "abt " + m + "x" + n + "x" + k);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Random random = new Random(10);
        for (int m : new int[] {256, 128, 33, 32, 14, 10}) {
            sameForAnyThreadCount(random, m, 100, 784);
        }
        sameForAnyThreadCount(random, 32, 512, 784); // the default preset's first layer: Cᵀ = B·Aᵀ, split by columns
        sameForAnyThreadCount(random, 20, 250, 61);
    }

    @Test
    void anyBlockOfAnABtProductHasTheWholeProductsBits() {
        // A part of C may start and end anywhere, so its edges fall on other tiles than the whole product's;
        // every element must still be summed in the same order (the MatMul contract).
        Random random = new Random(11);
        for (int[] s : new int[][] {{10, 30, 787}, {15, 30, 64}, {7, 13, 40}, {20, 37, 300}, {16, 300, 40}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, m * k), b = random(random, n * k), whole = new float[m * n];
            fast.abt(a, b, whole, m, 0, m, 0, n, n, k);
            for (int[] block : new int[][] {{0, m, 1, n}, {1, m - 2, 3, n - 1}, {m / 2, m, 0, 5}}) {
                float[] part = new float[m * n];
                fast.abt(a, b, part, m, block[0], block[1], block[2], block[3], n, k);
                for (int i = block[0]; i < block[1]; i++) {
                    for (int j = block[2]; j < block[3]; j++) {
                        assertThat(part[i * n + j]).as("abt %dx%dx%d at (%d, %d)", m, n, k, i, j)
                                .isEqualTo(whole[i * n + j]);
                    }
                }
            }
        }
    }

    @Test
    void aWideABtProductHasTheBitsOfItsTransposeComputedTheOtherWayRound() {
        // 16 × 300 (16 times more columns than rows) and 128 × 100 (a mini-batch of whole panels by a layer
        // that is not) are computed as Cᵀ = B·Aᵀ; 300 × 16 and 100 × 128, B·Aᵀ, are not: each element must
        // come out the same, since the same multiply-adds run in the same order.
        assertThat(Compute.abtSwapsForPanels(128, 100)).isTrue();
        assertThat(Compute.abtSwapsForPanels(100, 128)).isFalse();
        Random random = new Random(12);
        for (int[] s : new int[][] {{16, 300, 600}, {128, 100, 784}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, m * k), b = random(random, n * k), c = new float[m * n], ct = new float[n * m];
            fast.abt(a, b, c, m, 0, m, 0, n, n, k);
            fast.abt(b, a, ct, n, 0, n, 0, m, m, k);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(c[i * n + j]).as("%dx%dx%d at (%d, %d)", m, n, k, i, j).isEqualTo(ct[j * m + i]);
                }
            }
        }
    }

    @Test
    void anyColumnRangeOfAnABProductHasTheWholeProductsBits() {
        // The column split of few-row products (a convolution's W · cols), and the column stretches that a
        // product of many rows and more than one block of k goes in (2200 × 100 × 300): every element summed as
        // by ab.
        Random random = new Random(12);
        for (int[] s : new int[][] {{20, 5760, 25}, {40, 640, 500}, {7, 100, 300}, {3, 37, 13}, {2200, 100, 300}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, m * k), b = random(random, k * n), whole = new float[m * n];
            fast.ab(a, b, whole, 0, m, n, k, false);
            for (int[] cols : new int[][] {{0, n}, {0, n / 2 & ~3}, {n / 2 & ~3, n}, {3, n - 5}}) {
                float[] part = new float[m * n];
                fast.abColumns(a, b, part, m, cols[0], cols[1], n, k, false);
                float[] ref = new float[m * n];
                reference.abColumns(a, b, ref, m, cols[0], cols[1], n, k, false);
                for (int i = 0; i < m; i++) {
                    for (int j = cols[0]; j < cols[1]; j++) {
                        assertThat(part[i * n + j]).as("ab %dx%dx%d at (%d, %d)", m, n, k, i, j).isEqualTo(whole[i * n + j]);
                        assertThat(Math.abs(ref[i * n + j] - whole[i * n + j])).isLessThan(1e-3f * (1 + Math.abs(ref[i * n + j])));
                    }
                }
            }
        }
    }

    @Test
    void anyRowRangeOfAShallowWeightGradientHasTheWholeProductsBits() {
        // Plain SGD's step at a mini-batch of 10 or 16 (k <= 16, added into W): a range of rows that starts and
        // ends anywhere puts a row in a 4-row tile in one product and in a 1-row tile in another, or past a
        // block of 96 rows; every element must still be summed, scaled and added in the same order.
        Random random = new Random(14);
        for (int[] s : new int[][] {{30, 784, 10}, {100, 70, 16}, {13, 40, 10}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, k * m), b = random(random, k * n), start = random(random, m * n);
            float[] whole = start.clone();
            fast.atb(a, b, whole, 0, m, m, n, k, -0.25f, true);
            for (int[] rows : new int[][] {{1, m}, {0, m - 3}, {2, m - 1}, {m / 2 + 1, m}, {5, 6}}) {
                float[] part = start.clone();
                fast.atb(a, b, part, rows[0], rows[1], m, n, k, -0.25f, true);
                for (int i = 0; i < m; i++) {
                    boolean inside = i >= rows[0] && i < rows[1];
                    for (int j = 0; j < n; j++) {
                        assertThat(part[i * n + j]).as("atb %dx%dx%d rows %d..%d at (%d, %d)", m, n, k, rows[0],
                                rows[1], i, j).isEqualTo(inside ? whole[i * n + j] : start[i * n + j]);
                    }
                }
            }
        }
    }

    @Test
    void anyColumnRangeOfAnAtBProductHasTheWholeProductsBits() {
        // The column items of a weight gradient: every element summed, scaled and added as by atb.
        Random random = new Random(13);
        for (int[] s : new int[][] {{100, 784, 128}, {512, 784, 32}, {14, 100, 10}, {9, 37, 300}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(random, k * m), b = random(random, k * n), start = random(random, m * n);
            float[] whole = start.clone();
            fast.atb(a, b, whole, 0, m, m, n, k, -0.25f, true);
            for (int[] cols : new int[][] {{0, n}, {0, 32}, {32, n}, {3, n - 5}}) {
                float[] part = start.clone();
                fast.atbColumns(a, b, part, m, cols[0], cols[1], n, k, -0.25f, true);
                float[] ref = start.clone();
                reference.atbColumns(a, b, ref, m, cols[0], cols[1], n, k, -0.25f, true);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        boolean inside = j >= cols[0] && j < cols[1];
                        assertThat(part[i * n + j]).as("atb %dx%dx%d at (%d, %d)", m, n, k, i, j)
                                .isEqualTo(inside ? whole[i * n + j] : start[i * n + j]);
                        assertThat(Math.abs(ref[i * n + j] - part[i * n + j])).isLessThan(1e-3f * (1 + Math.abs(ref[i * n + j])));
                    }
                }
            }
        }
    }

    @Test
    void sixRowTilesLeaveNoTwoOrThreeRowsToTheOneRowTile() {
        assertThat(VectorMatMul.sixRowTiles(32)).isEqualTo(4); // 24 + 4 + 4
        assertThat(VectorMatMul.sixRowTiles(33)).isEqualTo(4); // 24 + 4 + 4 + 1
        assertThat(VectorMatMul.sixRowTiles(34)).isEqualTo(5); // 30 + 4
        assertThat(VectorMatMul.sixRowTiles(36)).isEqualTo(6);
        assertThat(VectorMatMul.sixRowTiles(2)).isZero();
        assertThat(VectorMatMul.sixRowTiles(7)).isEqualTo(1);
    }

    private void sameForAnyThreadCount(Random random, int m, int n, int k) {
        float[] a = random(random, m * k), b = random(random, n * k), g = random(random, m * n);
        float[] startW = random(random, n * k), startD = random(random, m * k);
        try (Compute one = new Compute(1); Compute two = new Compute(Kernels.best(), 2, 1);
             Compute three = new Compute(Kernels.best(), 3, 1)) { // every product shared, however small
            float[] c1 = new float[m * n];
            one.abt(a, b, c1, m, n, k);
            float[] w1 = startW.clone(); // accumulated onto, as an SGD step does onto the weights
            one.atb(g, a, w1, n, k, m, -0.5f, true);
            float[] d1 = startD.clone();
            one.ab(g, b, d1, m, k, n, true);
            for (Compute more : new Compute[] {two, three}) {
                float[] c2 = new float[m * n];
                more.abt(a, b, c2, m, n, k);
                assertThat(c2).as("abt %dx%dx%d on %d threads", m, n, k, more.threads()).containsExactly(c1);
                float[] w2 = startW.clone();
                more.atb(g, a, w2, n, k, m, -0.5f, true);
                assertThat(w2).as("atb on %d threads", more.threads()).containsExactly(w1);
                float[] w3 = startW.clone();
                more.weightGradient(g, a, w3, n, k, m, -0.5f, true);
                assertThat(w3).as("weightGradient on %d threads", more.threads()).containsExactly(w1);
                float[] d2 = startD.clone();
                more.ab(g, b, d2, m, k, n, true);
                assertThat(d2).as("ab on %d threads", more.threads()).containsExactly(d1);
                assertThat(more.sharedWork()).as("products split on %d threads", more.threads()).isPositive();
            }
        }
    }

    interface Element {
        float at(int r, int c);
    }

    private static float[] termScale(int m, int n, int k, Element a, Element b) {
        float[] scale = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += Math.abs(a.at(i, p) * b.at(p, j));
                }
                scale[i * n + j] = (float) s;
            }
        }
        return scale;
    }

    private static void assertClose(float[] actual, float[] expected, float[] scale, float[] initial, String what) {
        for (int i = 0; i < actual.length; i++) {
            double bound = 1e-5 * (scale[i] + (initial == null ? 0 : Math.abs(initial[i]))) + 1e-30;
            assertThat((double) Math.abs(actual[i] - expected[i])).as("%s element %d", what, i).isLessThanOrEqualTo(bound);
        }
    }

    private static float[] random(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        return x;
    }
}
