package dev.scratchnet.tensor;

/**
 * The plain-Java products: the readable reference the fast kernels are tested against, and the fallback
 * when the Vector API module is absent. Sums run over k in increasing order with fused multiply-add.
 */
public final class ReferenceMatMul implements MatMul {

    @Override
    public String name() {
        return "java-scalar";
    }

    @Override
    public void ab(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int n, int k, boolean accumulate) {
        ab(a, b, c, rowFrom, rowTo, 0, n, n, k, accumulate);
    }

    @Override
    public void abColumns(float[] a, float[] b, float[] c, int m, int colFrom, int colTo, int n, int k,
                          boolean accumulate) {
        ab(a, b, c, 0, m, colFrom, colTo, n, k, accumulate);
    }

    /** C = A·B (or C += A·B) on the rows [rowFrom, rowTo) and columns [colFrom, colTo). */
    private static void ab(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int colFrom, int colTo, int n,
                           int k, boolean accumulate) {
        for (int i = rowFrom; i < rowTo; i++) {
            int ci = i * n;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci + colFrom, ci + colTo, 0f);
            }
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                int bp = p * n;
                for (int j = colFrom; j < colTo; j++) {
                    c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    @Override
    public void atb(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int m, int n, int k, float alpha,
                    boolean accumulate) {
        atb(a, b, c, rowFrom, rowTo, 0, n, m, n, k, alpha, accumulate);
    }

    @Override
    public void atbColumns(float[] a, float[] b, float[] c, int m, int colFrom, int colTo, int n, int k, float alpha,
                           boolean accumulate) {
        atb(a, b, c, 0, m, colFrom, colTo, m, n, k, alpha, accumulate);
    }

    /** C = α·Aᵀ·B (or C += α·Aᵀ·B) on the rows [rowFrom, rowTo) and columns [colFrom, colTo). */
    private static void atb(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int colFrom, int colTo, int m,
                            int n, int k, float alpha, boolean accumulate) {
        for (int i = rowFrom; i < rowTo; i++) {
            int ci = i * n;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci + colFrom, ci + colTo, 0f);
            }
            for (int p = 0; p < k; p++) {
                float api = alpha * a[p * m + i];
                int bp = p * n;
                for (int j = colFrom; j < colTo; j++) {
                    c[ci + j] = Math.fma(api, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    @Override
    public void abt(float[] a, float[] b, float[] c, int m, int rowFrom, int rowTo, int colFrom, int colTo, int n,
                    int k) {
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = colFrom; j < colTo; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[i * k + p], b[j * k + p], sum);
                }
                c[i * n + j] = sum;
            }
        }
    }
}
