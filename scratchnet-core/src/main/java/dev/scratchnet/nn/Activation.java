package dev.scratchnet.nn;

import dev.scratchnet.tensor.Kernels;
import dev.scratchnet.tensor.Names;

/**
 * Activation functions σ, applied row by row to a mini-batch of weighted inputs z [rows × cols].
 *
 * <p>{@code sigmoid}, {@code tanh} and {@code relu} act element by element and may sit in any layer;
 * {@code softmax} normalizes each row into probabilities and is for the output layer only. {@code identity}
 * (a = z) is what a convolution followed by max-pooling uses, so that the pooling layer applies the
 * activation after it, as network3.py does: a = σ(maxpool(conv(x)) + b).
 */
public enum Activation {
    SIGMOID, TANH, RELU, SOFTMAX, IDENTITY;

    /** The lower-case name used on the command line and in model files. */
    public String id() {
        return Names.id(this);
    }

    /** Parses a lower-case name, with a message that lists the valid ones. */
    public static Activation parse(String id) {
        return Names.parse(Activation.class, "activation", id);
    }

    public boolean allowedInHiddenLayer() {
        return this != SOFTMAX;
    }

    /** Whether {@code --activation} may name it: sigmoid, tanh and relu. */
    public boolean userHidden() {
        return this == SIGMOID || this == TANH || this == RELU;
    }

    public boolean allowedInOutputLayer() {
        return this == SIGMOID || this == SOFTMAX;
    }

    /** a = σ(z) for {@code rows} rows of width {@code cols}. */
    public void apply(float[] z, float[] a, int rows, int cols) {
        if (this == SOFTMAX) {
            for (int r = 0; r < rows; r++) {
                softmaxRow(z, a, r * cols, cols);
            }
        } else {
            applyRange(z, a, 0, rows * cols);
        }
    }

    /** a_i = σ(z_i) for i in [from, to), for an element-wise activation (parts of a batch may run in parallel). */
    public void applyRange(float[] z, float[] a, int from, int to) {
        switch (this) {
            case SIGMOID -> Kernels.elementwise().sigmoid(z, a, from, to);
            case TANH -> {
                for (int i = from; i < to; i++) {
                    a[i] = (float) Math.tanh(z[i]);
                }
            }
            case RELU -> {
                for (int i = from; i < to; i++) {
                    a[i] = Math.max(0f, z[i]);
                }
            }
            case IDENTITY -> System.arraycopy(z, from, a, from, to - from);
            default -> throw new IllegalStateException(id() + " is not element-wise");
        }
    }

    /**
     * delta ⊙= σ'(z), the last factor of BP2, for an element-wise activation; {@code a} is σ(z), from which
     * the sigmoid's and tanh's derivatives are cheapest.
     */
    public void multiplyByDerivative(float[] z, float[] a, float[] delta, int count) {
        multiplyByDerivative(z, a, delta, 0, count);
    }

    /** The same for the elements [from, to). */
    public void multiplyByDerivative(float[] z, float[] a, float[] delta, int from, int to) {
        switch (this) {
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    delta[i] *= a[i] * (1f - a[i]); // σ'(z) = σ(z)(1 − σ(z))
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    delta[i] *= 1f - a[i] * a[i]; // tanh'(z) = 1 − tanh²(z)
                }
            }
            case RELU -> Kernels.elementwise().reluDerivative(z, delta, from, to); // relu'(z) = 1 if z > 0 else 0
            case IDENTITY -> { } // identity'(z) = 1
            default -> throw new IllegalStateException(id() + " has no element-wise derivative");
        }
    }

    /** a_j = e^{z_j − max} / Σ_k e^{z_k − max}: shifting by the row's maximum keeps exp from overflowing. */
    private static void softmaxRow(float[] z, float[] a, int from, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, z[from + j]);
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            float e = (float) Math.exp(z[from + j] - max);
            a[from + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < cols; j++) {
            a[from + j] *= inv;
        }
    }
}
