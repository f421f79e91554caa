package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;

/**
 * A fully connected layer: z = a_prev · Wᵀ + b, a = σ(z), for a whole mini-batch at once.
 *
 * <p>Weights are [outputs × inputs] (row j holds the weights into neuron j, as w_jk in the book), biases
 * [outputs]. The arrays are the layer's own and are updated in place by training.
 */
public final class DenseLayer {

    private final int inputs;
    private final int outputs;
    private final Activation activation;
    private final float[] weights;
    private final float[] biases;

    public DenseLayer(int inputs, int outputs, Activation activation) {
        this(inputs, outputs, activation, new float[outputs * inputs], new float[outputs]);
    }

    /** A layer over the given arrays, which it keeps (not copies). */
    public DenseLayer(int inputs, int outputs, Activation activation, float[] weights, float[] biases) {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("a layer needs at least one input and one output, got "
                    + inputs + " → " + outputs);
        }
        if (weights.length != inputs * outputs || biases.length != outputs) {
            throw new IllegalArgumentException("layer " + inputs + " → " + outputs + " needs " + outputs * inputs
                    + " weights and " + outputs + " biases, got " + weights.length + " and " + biases.length);
        }
        this.inputs = inputs;
        this.outputs = outputs;
        this.activation = activation;
        this.weights = weights;
        this.biases = biases;
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    public Activation activation() {
        return activation;
    }

    /** The weights, row-major [outputs × inputs]; live, not a copy. */
    public float[] weights() {
        return weights;
    }

    /** The biases [outputs]; live, not a copy. */
    public float[] biases() {
        return biases;
    }

    /** z = a_prev · Wᵀ + b, then a = σ(z)   [rows × outputs]. */
    public void forward(Compute compute, float[] aPrev, float[] z, float[] a, int rows) {
        compute.abt(aPrev, weights, z, rows, outputs, inputs);
        for (int r = 0; r < rows; r++) {
            int from = r * outputs;
            for (int j = 0; j < outputs; j++) {
                z[from + j] += biases[j];
            }
        }
        activation.apply(z, a, rows, outputs);
    }

    /**
     * The gradients of the summed cost for this layer from its error δ [rows × outputs]:
     * BP3 ∂C/∂b = Σ_rows δ [outputs], and BP4 ∂C/∂w = δᵀ · a_prev [outputs × inputs].
     */
    public void gradients(Compute compute, float[] delta, float[] aPrev, int rows, float[] nablaW, float[] nablaB) {
        java.util.Arrays.fill(nablaB, 0f);
        for (int r = 0; r < rows; r++) {
            int from = r * outputs;
            for (int j = 0; j < outputs; j++) {
                nablaB[j] += delta[from + j]; // BP3: ∂C/∂b_j = δ_j
            }
        }
        compute.atb(delta, aPrev, nablaW, outputs, inputs, rows); // BP4: ∂C/∂w_jk = a_prev_k · δ_j
    }

    /**
     * BP3 and BP4 fused with the SGD step, in one pass over the parameters:
     * W ← W − (η/m)·δᵀ·a_prev and b ← b − (η/m)·Σ_rows δ, where {@code scale} = η/m.
     */
    public void descend(Compute compute, float[] delta, float[] aPrev, int rows, float scale) {
        for (int r = 0; r < rows; r++) {
            int from = r * outputs;
            for (int j = 0; j < outputs; j++) {
                biases[j] -= scale * delta[from + j]; // BP3 + step: b_j ← b_j − (η/m)·δ_j
            }
        }
        compute.atb(delta, aPrev, weights, outputs, inputs, rows, -scale, true); // BP4 + step, [outputs × inputs]
    }

    /** The error passed back, before σ'(z_prev) is applied: δ · W   [rows × inputs] (first half of BP2). */
    public void backpropagate(Compute compute, float[] delta, float[] deltaPrev, int rows) {
        compute.ab(delta, weights, deltaPrev, rows, inputs, outputs, false);
    }
}
