package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.SplitMix64;

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
 *
 * <p>Inverted dropout (Srivastava et al. 2014), when set: each hidden activation is kept with probability
 * 1 − p and scaled by 1/(1 − p), ã = a ⊙ r with r = mask/(1 − p); the next layer sees ã, and BP2 gains
 * the same factor: δ^l = ((δ^{l+1} · W^{l+1}) ⊙ r) ⊙ σ'(z^l). Masks are drawn by {@link #drawMasks} and
 * then held fixed, so a gradient check can use the same mask on every evaluation.
 */
public final class Backprop {

    private final Network network;
    private final Network.Workspace ws;
    private final float[][] delta;
    private final float[][] nablaW;
    private final float[][] nablaB;
    private final float[][] mask;
    private final float[][] dropped;
    private float dropout;
    private final SplitMix64 masks = new SplitMix64(0);

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
        mask = new float[n][];
        dropped = new float[n][];
    }

    /** Drops each hidden neuron with probability p in training (0 turns dropout off). */
    public void setDropout(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
        this.dropout = p;
        for (int l = 0; l < network.layers().size() - 1 && p > 0f; l++) {
            if (mask[l] == null) {
                int size = ws.capacity() * network.layers().get(l).outputs();
                mask[l] = new float[size];
                dropped[l] = new float[size];
            }
        }
    }

    /**
     * Draws new dropout masks r ∈ {0, 1/(1 − p)} for every hidden neuron of up to {@code rows} examples. One
     * long from the run's generator seeds a SplitMix64 stream for the masks: as reproducible as the
     * generator, and cheap enough for a draw per neuron per example.
     */
    public void drawMasks(java.util.Random random, int rows) {
        float keep = 1f / (1f - dropout);
        long threshold = (long) (dropout * (1L << 24)); // drop when the 24-bit draw is below p·2²⁴
        masks.reseed(random.nextLong());
        for (int l = 0; l < network.layers().size() - 1 && dropout > 0f; l++) {
            int count = rows * network.layers().get(l).outputs();
            for (int i = 0; i < count; i++) {
                mask[l][i] = (masks.nextLong() >>> 40) < threshold ? 0f : keep;
            }
        }
    }

    /** The summed cost of a forward pass with the current masks, and no gradients (for gradient checks). */
    public double cost(Compute compute, float[] x, int[] labels, int rows, Cost cost) {
        float[] out = forward(compute, x, rows);
        int last = network.layers().size() - 1;
        DenseLayer output = network.layers().get(last);
        return cost.total(output.activation(), ws.z[last], out, labels, rows, output.outputs());
    }

    /** The training forward pass: like Network.forward, with dropout on hidden layers when set. */
    private float[] forward(Compute compute, float[] x, int rows) {
        int last = network.layers().size() - 1;
        for (int l = 0; l <= last; l++) {
            DenseLayer layer = network.layers().get(l);
            layer.forward(compute, input(l, x), ws.z[l], ws.a[l], rows);
            if (dropout > 0f && l < last) {
                int count = rows * layer.outputs();
                for (int i = 0; i < count; i++) {
                    dropped[l][i] = ws.a[l][i] * mask[l][i]; // ã = a ⊙ r
                }
            }
        }
        return ws.a[last];
    }

    /** What layer l receives: x, or the previous layer's activations (after dropout, when set). */
    private float[] input(int l, float[] x) {
        return l == 0 ? x : dropout > 0f ? dropped[l - 1] : ws.a[l - 1];
    }

    /**
     * Computes the gradients of the cost summed over {@code rows} examples x [rows × n_in] with the given
     * labels into {@link #nablaW} and {@link #nablaB}; returns that summed cost.
     */
    public double run(Compute compute, float[] x, int[] labels, int rows, Cost cost) {
        return pass(compute, x, labels, rows, cost, 0f, 1f);
    }

    /**
     * One plain SGD step: the same backpropagation, with each layer's BP3/BP4 fused into its update
     * w ← w − (η/m)·∂C/∂w (so no gradient is stored); returns the summed cost before the step.
     */
    public double sgdStep(Compute compute, float[] x, int[] labels, int rows, Cost cost, float learningRate) {
        return sgdStep(compute, x, labels, rows, cost, learningRate, 1f);
    }

    /**
     * One plain SGD step with weight decay: w ← decay·w − (η/m)·∂C/∂w, the gradient taken at the weights
     * before the step; decay = 1 − ηλ/n is the book's L2 rescaling (eq. 93).
     */
    public double sgdStep(Compute compute, float[] x, int[] labels, int rows, Cost cost, float learningRate,
                          float decay) {
        return pass(compute, x, labels, rows, cost, learningRate / rows, decay);
    }

    private double pass(Compute compute, float[] x, int[] labels, int rows, Cost cost, float stepScale, float decay) {
        if (rows > ws.capacity()) {
            throw new IllegalArgumentException("batch of " + rows + " exceeds capacity " + ws.capacity());
        }
        float[] out = forward(compute, x, rows);
        int last = network.layers().size() - 1;
        DenseLayer output = network.layers().get(last);
        double total = cost.total(output.activation(), ws.z[last], out, labels, rows, output.outputs());
        cost.outputDelta(output.activation(), ws.z[last], out, labels, delta[last], rows, output.outputs()); // BP1
        for (int l = last; l >= 0; l--) {
            DenseLayer layer = network.layers().get(l);
            if (l > 0) { // BP2 first: it needs W^{l+1} before the step changes it
                DenseLayer prev = network.layers().get(l - 1);
                layer.backpropagate(compute, delta[l], delta[l - 1], rows); // BP2: δ^{l+1} · W^{l+1}
                if (dropout > 0f) {
                    int count = rows * prev.outputs();
                    for (int i = 0; i < count; i++) {
                        delta[l - 1][i] *= mask[l - 1][i]; // BP2 with dropout: ⊙ r
                    }
                }
                prev.activation().multiplyByDerivative(ws.z[l - 1], ws.a[l - 1], delta[l - 1],
                        rows * prev.outputs()); // BP2: ⊙ σ'(z^l)
            }
            float[] aPrev = input(l, x);
            if (stepScale == 0f) {
                layer.gradients(compute, delta[l], aPrev, rows, nablaW[l], nablaB[l]); // BP3, BP4
            } else {
                if (decay != 1f) {
                    float[] w = layer.weights();
                    for (int i = 0; i < w.length; i++) {
                        w[i] *= decay; // L2: w ← (1 − ηλ/n)·w, after BP2 has used w
                    }
                }
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
