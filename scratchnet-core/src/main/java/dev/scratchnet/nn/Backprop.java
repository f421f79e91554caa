package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;

/**
 * Backpropagation for a whole mini-batch (Nielsen, chapter 2): the gradient of the cost summed over the
 * batch, ∂C/∂w and ∂C/∂b for every layer. Owns its buffers, sized once for the largest batch, so a step
 * allocates nothing.
 *
 * <p>For layer l (the last is L), with m examples as rows:
 * <pre>
 *   BP1  δ^L = ∇_a C ⊙ σ'(z^L)                    [m × n_L]     (the cost's own formula)
 *   BP2  δ^l = (δ^{l+1} · W^{l+1}) ⊙ σ'(z^l)       [m × n_l]
 *   BP3  ∂C/∂b^l = Σ_rows δ^l                      [n_l]
 *   BP4  ∂C/∂W^l = (δ^l)ᵀ · a^{l−1}                 [n_l × n_{l−1}]
 * </pre>
 */
public final class Backprop {

    private final Network network;
    private final Network.Workspace ws;
    private final float[][] delta;
    private final float[][] nablaW;
    private final float[][] nablaB;

    public Backprop(Network network, int capacity) {
        this.network = network;
        this.ws = new Network.Workspace(network, capacity);
        int n = network.layers().size();
        delta = new float[n][];
        nablaW = new float[n][];
        nablaB = new float[n][];
        for (int l = 0; l < n; l++) {
            DenseLayer layer = network.layers().get(l);
            delta[l] = new float[capacity * layer.outputs()];
            nablaW[l] = new float[layer.weights().length];
            nablaB[l] = new float[layer.outputs()];
        }
    }

    /**
     * Computes the gradients of the cost summed over {@code rows} examples x [rows × n_in] with the given
     * labels into {@link #nablaW} and {@link #nablaB}; returns that summed cost.
     */
    public double run(Compute compute, float[] x, int[] labels, int rows, Cost cost) {
        return pass(compute, x, labels, rows, cost, 0f);
    }

    /**
     * One plain SGD step: the same backpropagation, with each layer's BP3/BP4 fused into its update
     * w ← w − (η/m)·∂C/∂w (so no gradient is stored); returns the summed cost before the step.
     */
    public double sgdStep(Compute compute, float[] x, int[] labels, int rows, Cost cost, float learningRate) {
        return pass(compute, x, labels, rows, cost, learningRate / rows);
    }

    private double pass(Compute compute, float[] x, int[] labels, int rows, Cost cost, float stepScale) {
        if (rows > ws.capacity()) {
            throw new IllegalArgumentException("batch of " + rows + " exceeds capacity " + ws.capacity());
        }
        float[] out = network.forward(compute, x, rows, ws);
        int last = network.layers().size() - 1;
        DenseLayer output = network.layers().get(last);
        double total = cost.total(output.activation(), ws.z[last], out, labels, rows, output.outputs());
        cost.outputDelta(output.activation(), ws.z[last], out, labels, delta[last], rows, output.outputs()); // BP1
        for (int l = last; l >= 0; l--) {
            DenseLayer layer = network.layers().get(l);
            if (l > 0) { // BP2 first: it needs W^{l+1} before the step changes it
                DenseLayer prev = network.layers().get(l - 1);
                layer.backpropagate(compute, delta[l], delta[l - 1], rows); // BP2: δ^{l+1} · W^{l+1}
                prev.activation().multiplyByDerivative(ws.z[l - 1], ws.a[l - 1], delta[l - 1],
                        rows * prev.outputs()); // BP2: ⊙ σ'(z^l)
            }
            float[] aPrev = l == 0 ? x : ws.a[l - 1];
            if (stepScale == 0f) {
                layer.gradients(compute, delta[l], aPrev, rows, nablaW[l], nablaB[l]); // BP3, BP4
            } else {
                layer.descend(compute, delta[l], aPrev, rows, stepScale); // BP3, BP4 and the step
            }
        }
        return total;
    }

    /** ∂C/∂W of layer l from the last {@link #run}, [outputs × inputs]. */
    public float[] nablaW(int l) {
        return nablaW[l];
    }

    /** ∂C/∂b of layer l from the last {@link #run}, [outputs]. */
    public float[] nablaB(int l) {
        return nablaB[l];
    }

    /** The output activations of the last {@link #run}. */
    public float[] output() {
        return ws.a[network.layers().size() - 1];
    }
}
