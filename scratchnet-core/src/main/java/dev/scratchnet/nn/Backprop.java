package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.SplitMix64;
import java.util.List;

/**
 * Backpropagation for a whole mini-batch (Nielsen, chapter 2): the gradient of the cost summed over the
 * batch for every parameter of every layer. Owns its buffers, sized once for the largest batch, so a step
 * allocates nothing. The equations themselves live in the layers ({@link DenseLayer#backward}); this class
 * runs the layers forward, asks the cost for BP1, and runs them backward, each handing the one before it
 * ∂C/∂(its input).
 *
 * <p>For layer l (the last is L), with m examples as rows:
 * <pre>
 *   BP1  δ^L = ∇_a C ⊙ σ'(z^L)                    [m × n_L]     (the cost's own formula)
 *   BP2  δ^l = (δ^{l+1} · W^{l+1}) ⊙ σ'(z^l)       [m × n_l]
 *   BP3  ∂C/∂b^l = Σ_rows δ^l                      [n_l]
 *   BP4  ∂C/∂W^l = (δ^l)ᵀ · a^{l−1}                 [n_l × n_{l−1}]
 * </pre>
 *
 * <p>Inverted dropout (Srivastava et al. 2014), when set, belongs to the layers whose input it masks (every
 * dense layer but the first): each input is kept with probability 1 − p and scaled by 1/(1 − p),
 * ã = a ⊙ r with r = mask/(1 − p); the layer sees ã, and BP2 gains the same factor:
 * δ^l = ((δ^{l+1} · W^{l+1}) ⊙ r) ⊙ σ'(z^l). Masks are drawn by {@link #drawMasks} and then held fixed, so
 * a gradient check can use the same mask on every evaluation.
 */
public final class Backprop {

    private final Network network;
    private final Network.Workspace ws;
    private final SplitMix64 masks = new SplitMix64(0);

    public Backprop(Network network, int capacity) {
        this(network, capacity, 0f);
    }

    /** With inverted dropout at rate p on the inputs of every layer but the first (0 turns it off). */
    public Backprop(Network network, int capacity, float dropout) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        this.network = network;
        this.ws = new Network.Workspace(network, capacity, dropout);
    }

    /**
     * Draws new dropout masks r ∈ {0, 1/(1 − p)} for up to {@code rows} examples, layer after layer. One
     * long from the run's generator seeds a SplitMix64 stream for the masks: as reproducible as the
     * generator, and cheap enough for a draw per input per example.
     */
    public void drawMasks(java.util.Random random, int rows) {
        masks.reseed(random.nextLong());
        for (int l = 0; l < network.layers().size(); l++) {
            ws.layers[l].drawMask(masks, rows);
        }
    }

    /** The summed cost of a forward pass with the current masks, and no gradients (for gradient checks). */
    public double cost(Compute compute, float[] x, int[] labels, int rows, Cost cost) {
        float[] out = forward(compute, x, rows);
        LayerBuffers output = ws.layers[ws.layers.length - 1];
        return cost.total(network.architecture().output(), output.z, out, labels, rows, network.outputSize());
    }

    /** The training forward pass: Network.forward through this pass's buffers (with their dropout). */
    private float[] forward(Compute compute, float[] x, int rows) {
        return network.forward(compute, x, rows, ws);
    }

    /**
     * Computes the gradients of the cost summed over {@code rows} examples x [rows × n_in] with the given
     * labels into each parameter's {@link Parameter#gradient}; returns that summed cost.
     */
    public double run(Compute compute, float[] x, int[] labels, int rows, Cost cost) {
        return pass(compute, x, labels, rows, cost, 0f, 1f, null);
    }

    /**
     * {@link #run} with an optimizer's step taken inside it: each parameter is handed to {@code update} as
     * soon as its gradient is complete, a dense layer's weights block by block while their gradient's product
     * runs, so the step needs no pass of its own over the parameters. The same values as running
     * {@link #run} and then updating every parameter.
     */
    public double run(Compute compute, float[] x, int[] labels, int rows, Cost cost, ParameterUpdate update) {
        return pass(compute, x, labels, rows, cost, 0f, 1f, update);
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
        return pass(compute, x, labels, rows, cost, learningRate / rows, decay, null);
    }

    private double pass(Compute compute, float[] x, int[] labels, int rows, Cost cost, float stepScale, float decay,
                        ParameterUpdate update) {
        if (rows > ws.capacity()) {
            throw new IllegalArgumentException("batch of " + rows + " exceeds capacity " + ws.capacity());
        }
        List<Layer> layers = network.layers();
        int last = layers.size() - 1;
        float[] out = forward(compute, x, rows);
        LayerBuffers output = ws.layers[last];
        Activation activation = layers.get(last).activation();
        int classes = network.outputSize();
        double total = cost.total(activation, output.z, out, labels, rows, classes);
        cost.outputDelta(activation, output.z, out, labels, output.delta, rows, classes); // BP1: δ^L [m × n_L]
        for (int l = last; l >= 0; l--) {
            ChunkedStack stack = ws.stacks[l];
            if (stack != null) { // conv and pooling layers, chunk by chunk through all of them
                stack.backward(compute, rows, stepScale, decay); // BP2 to BP4
                l = stack.first();
                updateAll(compute, update, l, stack.last());
                continue;
            }
            float[] input = l == 0 ? x : ws.layers[l - 1].output;
            if (update != null && layers.get(l) instanceof DenseLayer dense) {
                dense.backward(compute, input, rows, ws.layers[l], update); // BP2 to BP4, and the step
            } else {
                layers.get(l).backward(compute, input, rows, ws.layers[l], stepScale, decay); // BP2 to BP4
                updateAll(compute, update, l, l);
            }
        }
        return total;
    }

    /** Hands every parameter of layers [from, to] to {@code update}, if any. */
    private void updateAll(Compute compute, ParameterUpdate update, int from, int to) {
        if (update == null) {
            return;
        }
        for (int l = from; l <= to; l++) {
            List<Parameter> parameters = network.layers().get(l).parameters();
            for (int i = 0; i < parameters.size(); i++) { // index loops: no iterator per step
                update.update(compute, parameters.get(i));
            }
        }
    }

    /** The buffers of the last pass (for tests that look inside it). */
    Network.Workspace workspace() {
        return ws;
    }

    /** The output activations of the last {@link #run}. */
    public float[] output() {
        return ws.layers[ws.layers.length - 1].output;
    }
}
