package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.List;
import java.util.Random;

/**
 * A convolutional layer (the book's chapter 6): F filters of C × K × K slide over the input with stride S
 * and zero padding P; z[n, f, y, x] = b_f + Σ_{c,ky,kx} w[f, c, ky, kx] · x[n, c, y·S + ky − P, x·S + kx − P],
 * then a = σ(z). Followed by max-pooling, its activation is the identity and the pooling layer applies σ
 * after it (then z is not kept apart from a).
 *
 * <p>A whole mini-batch at once, by unfolding ({@link Patches}): with cols [C·K·K × N] the patches of all
 * N = OH·OW·m output positions, the convolution is the product Z = W · cols [F × N], on the shared pool of
 * threads. Between conv and pooling layers the batch is kept innermost ([C × H × W × m], see
 * {@link Patches}); a layer that takes the network's input or feeds a dense layer converts from or to one
 * example per row. Weights are [F, C, K, K], {@code layers.N.weight}; biases [F], {@code layers.N.bias}, as
 * in PyTorch's Conv2d.
 */
public final class ConvLayer implements Layer {

    private static final int INPUT = 0;
    private static final int COLS = 1;
    private static final int Z = 2;
    private static final int COL_GRADIENT = 3;
    private static final int INPUT_GRADIENT = 4;
    private static final int WEIGHT_GRADIENT = 5;
    private static final int WEIGHT_GRADIENT_T = 6;

    private final LayerSpec.Conv spec;
    private final Patches patches;
    private final int filters;
    private final boolean batchInnerIn;
    private final boolean batchInnerOut;
    private final float[] weights;
    private final float[] biases;
    private final List<Parameter> parameters;

    /** Layer {@code index} of a network, with zero weights and biases, taking and giving one example per row. */
    public ConvLayer(int index, LayerSpec.Conv spec, Shape input) {
        this(index, spec, input, false, false);
    }

    /** With the batch innermost in its input (after another conv or pooling layer) or its output (before one). */
    ConvLayer(int index, LayerSpec.Conv spec, Shape input, boolean batchInnerIn, boolean batchInnerOut) {
        this.spec = spec;
        this.patches = new Patches(input, spec.kernel(), spec.stride(), spec.padding(), spec.outputShape(input));
        this.filters = spec.filters();
        this.batchInnerIn = batchInnerIn;
        this.batchInnerOut = batchInnerOut;
        int k = spec.kernel();
        this.weights = new float[filters * patches.patchSize()];
        this.biases = new float[filters];
        this.parameters = List.of(
                Parameter.of("layers." + index + ".weight", new int[] {filters, input.channels(), k, k}, weights, true),
                Parameter.of("layers." + index + ".bias", new int[] {filters}, biases, false));
    }

    @Override
    public LayerSpec spec() {
        return spec;
    }

    @Override
    public Shape inputShape() {
        return patches.input();
    }

    @Override
    public Shape outputShape() {
        return patches.output();
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public boolean takesDropout() {
        return false;
    }

    /** The weights [F, C, K, K], row-major; live, not a copy. */
    public float[] weights() {
        return weights;
    }

    /** fan-in C·K·K and fan-out F·K·K. */
    @Override
    public void initialize(Init init, Random random) {
        int k2 = spec.kernel() * spec.kernel();
        init.fill(weights, biases, patches.patchSize(), filters * k2, random);
    }

    @Override
    public long valuesPerExample() {
        return Math.max(Layer.super.valuesPerExample(), (long) patches.patchSize() * patches.positions());
    }

    @Override
    public LayerBuffers buffers(int capacity, float dropout, boolean training) {
        int n = Math.multiplyExact(capacity, patches.positions());
        int cols = Math.multiplyExact(patches.patchSize(), n);
        int in = batchInnerIn ? 0 : capacity * inputShape().size();
        int backward = training ? 1 : 0; // the gradients' arrays, for backpropagation only
        return new Buffers(this, capacity, dropout, new int[] {in, cols, batchInnerOut ? 0 : filters * n,
            backward * cols, backward * in, backward * weights.length, backward * weights.length}, training);
    }

    /** Z = W · cols [F × N], then z = Z + b, and a = σ(z). */
    @Override
    public void forward(Compute compute, float[] input, int rows, LayerBuffers layerBuffers) {
        Buffers b = (Buffers) layerBuffers;
        int n = rows * patches.positions();
        float[] x = input;
        if (!batchInnerIn) {
            Patches.batchInner(input, x = b.work[INPUT], rows, inputShape().size());
        }
        b.unfold(compute, x, rows);
        boolean linear = activation() == Activation.IDENTITY; // before pooling: a = z, so write a alone
        float[] z = batchInnerOut ? (linear ? b.output : b.z) : b.work[Z];
        compute.ab(weights, b.work[COLS], z, filters, n, patches.patchSize(), false);
        for (int f = 0; f < filters; f++) {
            float bias = biases[f];
            for (int i = f * n; i < (f + 1) * n; i++) {
                z[i] += bias;
            }
        }
        if (!batchInnerOut) {
            Patches.batchOuter(z, linear ? b.output : b.z, rows, outputShape().size());
        }
        if (!linear) {
            activation().apply(b.z, b.output, rows, outputShape().size());
        }
    }

    @Override
    public void backward(Compute compute, float[] input, int rows, LayerBuffers layerBuffers, float stepScale,
                         float decay) {
        Buffers b = (Buffers) layerBuffers;
        if (!b.deltaGiven) {
            activation().multiplyByDerivative(b.z, b.output, b.delta, rows * outputShape().size()); // BP2: δ = ∂C/∂a ⊙ σ'(z)
        }
        int n = rows * patches.positions();
        float[] delta = b.delta; // δ as [F × N]
        if (!batchInnerOut) {
            Patches.batchInner(b.delta, delta = b.work[Z], rows, outputShape().size());
        }
        if (b.inputGradient != null) { // before the step below changes W
            compute.atb(weights, delta, b.work[COL_GRADIENT], patches.patchSize(), n, filters); // BP2: ∂C/∂cols = Wᵀ · δ [C·K·K × N]
            b.fold(compute, rows); // BP2: ∂C/∂x sums each input's patches [C × H × W × m]
        }
        float[] nablaW = stepScale == 0f ? parameters.get(0).gradient() : b.work[WEIGHT_GRADIENT];
        float[] nablaWt = b.work[WEIGHT_GRADIENT_T];
        compute.abt(b.work[COLS], delta, nablaWt, patches.patchSize(), filters, n); // BP4: (∂C/∂W)ᵀ = cols · δᵀ [C·K·K × F]
        transpose(nablaWt, nablaW, patches.patchSize(), filters);
        if (stepScale == 0f) {
            float[] nablaB = parameters.get(1).gradient();
            for (int f = 0; f < filters; f++) {
                nablaB[f] = sum(delta, f * n, n); // BP3: ∂C/∂b_f = Σ_N δ_f
            }
            return;
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = decay * weights[i] - stepScale * nablaW[i]; // step: w ← (1 − ηλ/n)·w − (η/m)·∂C/∂w
        }
        for (int f = 0; f < filters; f++) {
            biases[f] -= stepScale * sum(delta, f * n, n); // BP3 + step: b_f ← b_f − (η/m)·Σ_N δ_f
        }
    }

    /**
     * A convolution's buffers, with the unfolding (by rows of cols) and the folding (by input channel) as
     * parts the pool of threads shares; made once per workspace, so that a step allocates nothing.
     */
    static final class Buffers extends LayerBuffers {
        private final ConvLayer layer;
        private final Compute.Parts unfold = this::unfold;
        private final Compute.Parts fold = this::fold;
        private float[] source;
        private int rows;

        Buffers(ConvLayer layer, int capacity, float dropout, int[] work, boolean training) {
            super(capacity, layer.inputShape().size(), layer.outputShape().size(), dropout, work, 0, training);
            this.layer = layer;
        }

        void unfold(Compute compute, float[] x, int rows) {
            this.source = x;
            this.rows = rows;
            compute.forEach(layer.patches.patchSize(), unfold);
        }

        /** ∂C/∂x from ∂C/∂cols, into the previous layer's delta (converted when that takes one example per row). */
        void fold(Compute compute, int rows) {
            this.rows = rows;
            compute.forEach(layer.inputShape().channels(), fold);
            if (!layer.batchInnerIn) {
                Patches.batchOuter(work[INPUT_GRADIENT], inputGradient, rows, layer.inputShape().size());
            }
        }

        private void unfold(int from, int to) {
            layer.patches.unfold(source, rows, work[COLS], from, to);
        }

        private void fold(int from, int to) {
            layer.patches.fold(work[COL_GRADIENT], rows, layer.batchInnerIn ? inputGradient : work[INPUT_GRADIENT],
                    from, to);
        }
    }

    /**
     * out [cols × rows] = inᵀ for in [rows × cols]. The weight gradient is computed transposed, cols · δᵀ,
     * because packing the small δ for that product is far cheaper than packing the large cols for δ · colsᵀ.
     */
    private static void transpose(float[] in, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[r * cols + c];
            }
        }
    }

    /**
     * Σ values[from .. from + count), in eight interleaved partial sums added in a fixed order at the end:
     * one running sum would wait on each addition's latency (a conv layer sums m·OH·OW values per filter).
     */
    private static float sum(float[] values, int from, int count) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int i = from;
        for (int end = from + count - 7; i < end; i += 8) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
            s4 += values[i + 4];
            s5 += values[i + 5];
            s6 += values[i + 6];
            s7 += values[i + 7];
        }
        for (; i < from + count; i++) {
            s0 += values[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
