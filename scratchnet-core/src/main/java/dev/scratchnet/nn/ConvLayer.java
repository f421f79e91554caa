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
 * N = m·OH·OW output positions, the convolution is the product Z = W · cols [F × N], on the shared pool of
 * threads. Weights are [F, C, K, K], {@code layers.N.weight}; biases [F], {@code layers.N.bias}, as in
 * PyTorch's Conv2d.
 */
public final class ConvLayer implements Layer {

    private static final int COLS = 0;
    private static final int BY_CHANNEL = 1;
    private static final int COL_GRADIENT = 2;
    private static final int WEIGHT_GRADIENT = 3;
    private static final int WEIGHT_GRADIENT_T = 4;

    private final LayerSpec.Conv spec;
    private final Patches patches;
    private final int filters;
    private final float[] weights;
    private final float[] biases;
    private final List<Parameter> parameters;

    /** Layer {@code index} of a network, with zero weights and biases. */
    public ConvLayer(int index, LayerSpec.Conv spec, Shape input) {
        this.spec = spec;
        this.patches = new Patches(input, spec.kernel(), spec.stride(), spec.padding(), spec.outputShape(input));
        this.filters = spec.filters();
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
    public LayerBuffers buffers(int capacity, float dropout) {
        int n = Math.multiplyExact(capacity, patches.positions());
        int cols = Math.multiplyExact(patches.patchSize(), n);
        return new Buffers(this, capacity, dropout, new int[] {cols, filters * n, cols, weights.length, weights.length});
    }

    /**
     * A convolution's buffers, with the unfolding and folding as parts the pool of threads shares, image
     * by image; made once per workspace, so that a step allocates nothing.
     */
    static final class Buffers extends LayerBuffers {
        private final Patches patches;
        private final Compute.Parts unfold = this::unfold;
        private final Compute.Parts fold = this::fold;
        private float[] source;
        private int rows;

        Buffers(ConvLayer layer, int capacity, float dropout, int[] work) {
            super(capacity, layer.inputShape().size(), layer.outputShape().size(), dropout, work, 0);
            this.patches = layer.patches;
        }

        void unfold(Compute compute, float[] x, int rows) {
            this.source = x;
            this.rows = rows;
            compute.forEach(rows, unfold);
        }

        void fold(Compute compute, int rows) {
            this.rows = rows;
            compute.forEach(rows, fold);
        }

        private void unfold(int from, int to) {
            patches.unfold(source, rows, work[COLS], from, to);
        }

        private void fold(int from, int to) {
            patches.fold(work[COL_GRADIENT], rows, inputGradient, from, to);
        }
    }

    /** Z = W · cols [F × N], then z [m × F × OH·OW] = Z + b, and a = σ(z). */
    @Override
    public void forward(Compute compute, float[] input, int rows, LayerBuffers b) {
        int n = rows * patches.positions();
        float[] cols = b.work[COLS];
        float[] byChannel = b.work[BY_CHANNEL];
        ((Buffers) b).unfold(compute, input, rows);
        compute.ab(weights, cols, byChannel, filters, n, patches.patchSize(), false);
        boolean linear = activation() == Activation.IDENTITY; // before pooling: a = z, so write a alone
        float[] z = linear ? b.output : b.z;
        int positions = patches.positions();
        for (int image = 0; image < rows; image++) {
            for (int f = 0; f < filters; f++) {
                int from = f * n + image * positions;
                int to = (image * filters + f) * positions;
                float bias = biases[f];
                for (int p = 0; p < positions; p++) {
                    z[to + p] = byChannel[from + p] + bias;
                }
            }
        }
        if (!linear) {
            activation().apply(z, b.output, rows, filters * positions);
        }
    }

    @Override
    public void backward(Compute compute, float[] input, int rows, LayerBuffers b, float stepScale, float decay) {
        if (!b.deltaGiven) {
            activation().multiplyByDerivative(b.z, b.output, b.delta, rows * outputShape().size()); // BP2: δ = ∂C/∂a ⊙ σ'(z)
        }
        int n = rows * patches.positions();
        float[] delta = byChannel(b.delta, rows, b.work[BY_CHANNEL]); // δ as [F × N]
        if (b.inputGradient != null) { // before the step below changes W
            float[] dcols = b.work[COL_GRADIENT];
            compute.atb(weights, delta, dcols, patches.patchSize(), n, filters); // BP2: ∂C/∂cols = Wᵀ · δ [C·K·K × N]
            ((Buffers) b).fold(compute, rows); // BP2: ∂C/∂x sums each input's patches [m × C·H·W]
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

    /** Regroups δ [m × F × OH·OW] as [F × m·OH·OW], the layout of Z. */
    private float[] byChannel(float[] delta, int rows, float[] out) {
        int positions = patches.positions();
        int n = rows * positions;
        for (int image = 0; image < rows; image++) {
            for (int f = 0; f < filters; f++) {
                System.arraycopy(delta, (image * filters + f) * positions, out, f * n + image * positions, positions);
            }
        }
        return out;
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

    private static float sum(float[] values, int from, int count) {
        float s = 0f;
        for (int i = from; i < from + count; i++) {
            s += values[i];
        }
        return s;
    }
}
