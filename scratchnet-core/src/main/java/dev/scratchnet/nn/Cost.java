package dev.scratchnet.nn;

import dev.scratchnet.tensor.Names;

/**
 * Cost functions C, each owning its value and its output error δ^L (BP1), for a mini-batch whose desired
 * outputs y are one-hot label vectors.
 *
 * <ul>
 *   <li>{@code quadratic}: C = ½ Σ_j (a_j − y_j)².</li>
 *   <li>{@code cross-entropy} with a sigmoid output: C = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], the book's
 *       eq. (63); with a softmax output: the log-likelihood C = −ln a_y of the right class, eq. (80).
 *       For both, δ^L = a − y: σ'(z) cancels (eqs. 66 and 84).</li>
 * </ul>
 * Values are computed from z where that is stabler (softplus, log-sum-exp), so they stay finite when an
 * output saturates.
 */
public enum Cost {
    QUADRATIC, CROSS_ENTROPY;

    public String id() {
        return Names.id(this);
    }

    public static Cost parse(String id) {
        return Names.parse(Cost.class, "cost", id);
    }

    /** The cost summed over {@code rows} examples; {@code z}, {@code a} are [rows × cols]. */
    public double total(Activation output, float[] z, float[] a, int[] labels, int rows, int cols) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += example(output, z, a, r * cols, labels[r], cols);
        }
        return total;
    }

    private double example(Activation output, float[] z, float[] a, int from, int label, int cols) {
        double c = 0;
        if (this == QUADRATIC) {
            for (int j = 0; j < cols; j++) {
                double d = a[from + j] - (j == label ? 1.0 : 0.0);
                c += 0.5 * d * d;
            }
        } else if (output == Activation.SOFTMAX) {
            // −ln a_y = log Σ_k e^{z_k} − z_y, by log-sum-exp.
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, z[from + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(z[from + j] - max);
            }
            c = max + Math.log(sum) - z[from + label];
        } else {
            // −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = y·softplus(−z) + (1 − y)·softplus(z).
            for (int j = 0; j < cols; j++) {
                double zj = z[from + j];
                c += j == label ? softplus(-zj) : softplus(zj);
            }
        }
        return c;
    }

    private static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /** BP1: δ^L = ∇_a C ⊙ σ'(z^L), written into {@code delta} [rows × cols]. */
    public void outputDelta(Activation output, float[] z, float[] a, int[] labels, float[] delta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int from = r * cols;
            for (int j = 0; j < cols; j++) {
                delta[from + j] = a[from + j] - (j == labels[r] ? 1f : 0f); // a − y
            }
            if (this == CROSS_ENTROPY) {
                continue; // δ^L = a − y: the output's derivative cancels
            }
            if (output == Activation.SOFTMAX) {
                // δ_j = a_j ((a − y)_j − Σ_k (a − y)_k a_k): the softmax Jacobian applied to a − y.
                float dot = 0f;
                for (int k = 0; k < cols; k++) {
                    dot += delta[from + k] * a[from + k];
                }
                for (int j = 0; j < cols; j++) {
                    delta[from + j] = a[from + j] * (delta[from + j] - dot);
                }
            } else {
                for (int j = from; j < from + cols; j++) {
                    delta[j] *= a[j] * (1f - a[j]); // (a − y) ⊙ σ'(z)
                }
            }
        }
    }
}
