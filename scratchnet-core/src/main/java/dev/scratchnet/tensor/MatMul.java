package dev.scratchnet.tensor;

/**
 * The three matrix products of backpropagation, over row-major float arrays.
 *
 * <p>Each method computes the rows {@code [rowFrom, rowTo)} of C, so that a caller may split one product
 * over threads. Every element of C is a sum over k taken in the same order whichever rows a call covers,
 * so results do not depend on how the rows are split.
 */
public interface MatMul {

    /** A short name for {@code --version} and benchmark tables, e.g. {@code vector-256}. */
    String name();

    /** The width of the vectors it computes with, in bits; 0 for plain scalar Java. */
    default int vectorBits() {
        return 0;
    }

    /**
     * C = A·B (or C += A·B when {@code accumulate}), with A [m × k], B [k × n], C [m × n].
     */
    void ab(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int n, int k, boolean accumulate);

    /**
     * The same product for the columns {@code [colFrom, colTo)} of all m rows, so that a product of few rows
     * and many columns (a convolution's W · cols) can be split by columns, each part packing only its own
     * columns of B. The same sums in the same order as {@link #ab}.
     */
    void abColumns(float[] a, float[] b, float[] c, int m, int colFrom, int colTo, int n, int k, boolean accumulate);

    /**
     * C = α·Aᵀ·B (or C += α·Aᵀ·B when {@code accumulate}) with A [k × m], B [k × n], C [m × n]; A is read
     * transposed, never copied. The scale α lets a gradient step W += (−η/m)·δᵀ·a be one pass over W.
     */
    void atb(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int m, int n, int k, float alpha,
             boolean accumulate);

    /**
     * {@link #atb} that also hands each stretch of finished rows [i, j) of C to {@code done}, as the element
     * range [i·n, j·n), on the thread that computed them and as soon as their sums are final, so that a
     * consumer (an optimizer's update) reads them while they are still in this core's cache. This one calls
     * it once, for all the rows.
     */
    default void atb(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int m, int n, int k, float alpha,
                     boolean accumulate, Compute.Parts done) {
        atb(a, b, c, rowFrom, rowTo, m, n, k, alpha, accumulate);
        Compute.runHere(done, rowFrom * n, rowTo * n);
    }

    /**
     * The same product for the columns {@code [colFrom, colTo)} of all m rows, so that a weight gradient of
     * few rows and many columns can be split by columns, each part packing only its own columns of B. The
     * same sums in the same order as {@link #atb}.
     */
    void atbColumns(float[] a, float[] b, float[] c, int m, int colFrom, int colTo, int n, int k, float alpha,
                    boolean accumulate);

    /**
     * C = A·Bᵀ with A [m × k], B [n × k], C [m × n]; B is read transposed, never copied. Computes the
     * columns {@code [colFrom, colTo)} of those rows, so that a product of few rows can be split by columns.
     * A kernel may choose its method by the product's shape (m, n, k), never by the part it is asked for.
     */
    void abt(float[] a, float[] b, float[] c, int m, int rowFrom, int rowTo, int colFrom, int colTo, int n, int k);
}
