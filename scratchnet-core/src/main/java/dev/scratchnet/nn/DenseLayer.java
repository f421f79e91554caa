package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.List;
import java.util.Random;

/**
 * A fully connected layer: z = x · Wᵀ + b, a = σ(z), for a whole mini-batch at once, x being the previous
 * layer's activations (after dropout, when set) taken as a flat vector.
 *
 * <p>Weights are [outputs × inputs] (row j holds the weights into neuron j, as w_jk in the book), named
 * {@code layers.N.weight}; biases [outputs], {@code layers.N.bias}, as in PyTorch's Linear. The arrays are
 * the layer's own and are updated in place by training.
 */
public final class DenseLayer implements Layer {

    private final LayerSpec.Dense spec;
    private final int inputs;
    private final int outputs;
    private final Activation activation;
    private final float[] weights;
    private final float[] biases;
    private final List<Parameter> parameters;

    /** Layer {@code index} of a network (its parameters' names), with zero weights and biases. */
    public DenseLayer(int index, int inputs, int outputs, Activation activation) {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("a layer needs at least one input and one output, got "
                    + inputs + " → " + outputs);
        }
        this.spec = new LayerSpec.Dense(outputs, activation);
        this.inputs = inputs;
        this.outputs = outputs;
        this.activation = activation;
        this.weights = new float[outputs * inputs];
        this.biases = new float[outputs];
        this.parameters = List.of(
                Parameter.of("layers." + index + ".weight", new int[] {outputs, inputs}, weights, true),
                Parameter.of("layers." + index + ".bias", new int[] {outputs}, biases, false));
    }

    @Override
    public LayerSpec spec() {
        return spec;
    }

    @Override
    public Shape inputShape() {
        return Shape.flat(inputs);
    }

    @Override
    public Shape outputShape() {
        return Shape.flat(outputs);
    }

    @Override
    public Activation activation() {
        return activation;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public boolean takesDropout() {
        return true;
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** The weights, row-major [outputs × inputs]; live, not a copy. */
    public float[] weights() {
        return weights;
    }

    /** The biases [outputs]; live, not a copy. */
    public float[] biases() {
        return biases;
    }

    @Override
    public void initialize(Init init, Random random) {
        init.fill(weights, biases, inputs, random);
    }

    @Override
    public LayerBuffers buffers(int capacity, float dropout, boolean training) {
        return new LayerBuffers(capacity, inputs, outputs, dropout, training);
    }

    /** z = x · Wᵀ + b, then a = σ(z)   [rows × outputs]. */
    @Override
    public void forward(Compute compute, float[] input, int rows, LayerBuffers b) {
        float[] x = b.dropInput(input, rows);
        float[] z = b.z;
        compute.abt(x, weights, z, rows, outputs, inputs);
        for (int r = 0; r < rows; r++) {
            int from = r * outputs;
            for (int j = 0; j < outputs; j++) {
                z[from + j] += biases[j];
            }
        }
        activation.apply(z, b.output, rows, outputs);
    }

    @Override
    public void backward(Compute compute, float[] input, int rows, LayerBuffers b, float stepScale, float decay) {
        float[] x = backpropagate(compute, input, rows, b);
        if (stepScale == 0f) {
            gradients(compute, b.delta, x, rows);
        } else {
            descend(compute, b.delta, x, rows, stepScale, decay);
        }
    }

    /**
     * Backpropagation with the optimizer's step taken as each gradient is complete: BP3 and the biases'
     * update, then BP4 with the weights' update running on each block of rows of ∂C/∂W as soon as the
     * product has finished it, on the thread that computed it.
     */
    void backward(Compute compute, float[] input, int rows, LayerBuffers b, ParameterUpdate update) {
        float[] x = backpropagate(compute, input, rows, b);
        biasGradient(b.delta, rows);
        update.update(compute, parameters.get(1));
        Parameter w = parameters.get(0);
        compute.weightGradient(b.delta, x, w.gradient(), outputs, inputs, rows, update.updateOf(w)); // BP4, then the step
    }

    /**
     * BP2 through this layer: δ from ∂C/∂a, and ∂C/∂(input) for the layer before, computed before any step
     * changes W; returns the input the parameters' gradients take (after dropout).
     */
    private float[] backpropagate(Compute compute, float[] input, int rows, LayerBuffers b) {
        float[] delta = b.delta;
        float[] inputGradient = b.inputGradient;
        if (!b.deltaGiven) {
            activation.multiplyByDerivative(b.z, b.output, delta, rows * outputs); // BP2: δ = ∂C/∂a ⊙ σ'(z)
        }
        if (inputGradient != null) { // before the step changes W
            compute.ab(delta, weights, inputGradient, rows, inputs, outputs, false); // BP2: ∂C/∂x = δ · W [rows × inputs]
            b.dropGradient(inputGradient, rows); // BP2 through dropout: ⊙ r
        }
        return b.dropped != null ? b.dropped : input;
    }

    /** BP3 ∂C/∂b = Σ_rows δ [outputs], and BP4 ∂C/∂W = δᵀ · x [outputs × inputs], into the parameters' gradients. */
    private void gradients(Compute compute, float[] delta, float[] x, int rows) {
        biasGradient(delta, rows);
        compute.weightGradient(delta, x, parameters.get(0).gradient(), outputs, inputs, rows, 1f, false); // BP4: ∂C/∂w_jk = x_k · δ_j
    }

    /** BP3: ∂C/∂b = Σ_rows δ [outputs], into the biases' gradient. */
    private void biasGradient(float[] delta, int rows) {
        float[] nablaB = parameters.get(1).gradient();
        java.util.Arrays.fill(nablaB, 0f);
        for (int r = 0; r < rows; r++) {
            int from = r * outputs;
            for (int j = 0; j < outputs; j++) {
                nablaB[j] += delta[from + j]; // BP3: ∂C/∂b_j = δ_j
            }
        }
    }

    /**
     * BP3 and BP4 fused with the SGD step, in one pass over the parameters: W ← decay·W − (η/m)·δᵀ·x and
     * b ← b − (η/m)·Σ_rows δ, with (η/m) = {@code scale}.
     */
    private void descend(Compute compute, float[] delta, float[] x, int rows, float scale, float decay) {
        if (decay != 1f) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] *= decay; // L2: w ← (1 − ηλ/n)·w, after BP2 has used w
            }
        }
        for (int r = 0; r < rows; r++) {
            int from = r * outputs;
            for (int j = 0; j < outputs; j++) {
                biases[j] -= scale * delta[from + j]; // BP3 + step: b_j ← b_j − (η/m)·δ_j
            }
        }
        compute.weightGradient(delta, x, weights, outputs, inputs, rows, -scale, true); // BP4 + step, [outputs × inputs]
    }
}
