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
 * <p>By unfolding ({@link Patches}): with cols [C·K·K × N] the patches of all N = OH·OW·m output positions
 * of a chunk of m images, the convolution is the product Z = W · cols [F × N]. A mini-batch of more than 16
 * is cut into chunks of 8, each with its own arrays ({@link ConvChunk}), taken one at a time by whichever
 * thread is free and, with the pooling and conv layers next to it, run as one {@link ChunkedStack}; one of up
 * to 16 is one chunk, its products split across the threads. Between conv and pooling layers the batch is kept
 * innermost, chunk by chunk ([C × H × W × m], see {@link Patches}); a layer that takes the network's input
 * or feeds a dense layer converts from or to one example per row. Weights are [F, C, K, K],
 * {@code layers.N.weight}; biases [F], {@code layers.N.bias}, as in PyTorch's Conv2d.
 */
public final class ConvLayer implements ChunkedLayer {

    private static final int INPUT = 0;
    private static final int INPUT_GRADIENT = 1;
    private static final int WEIGHT_GRADIENT = 2;
    private static final int WEIGHT_GRADIENT_T = 3;
    private static final int BIAS_GRADIENT = 4;

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
        return Math.max(ChunkedLayer.super.valuesPerExample(), (long) patches.patchSize() * patches.positions());
    }

    @Override
    public LayerBuffers buffers(int capacity, float dropout, boolean training) {
        int in = batchInnerIn ? 0 : capacity * inputShape().size();
        int backward = training ? 1 : 0; // the gradients' arrays, for backpropagation only
        return new Buffers(this, capacity, dropout, new int[] {in, backward * in, backward * weights.length,
            backward * weights.length, backward * filters}, training);
    }

    /** Z = W · cols [F × N], then z = Z + b, and a = σ(z), chunk by chunk (see {@link Patches}). */
    @Override
    public void forward(Compute compute, float[] input, int rows, LayerBuffers layerBuffers) {
        beginForward(compute, input, rows, layerBuffers);
        compute.forEachItem(((Buffers) layerBuffers).chunks, ((Buffers) layerBuffers).forward);
        endForward(compute, layerBuffers);
    }

    @Override
    public void beginForward(Compute compute, float[] input, int rows, LayerBuffers layerBuffers) {
        Buffers b = (Buffers) layerBuffers;
        b.rowInput = batchInnerIn ? null : input; // one example per row: each chunk takes its own to chunks
        b.begin(compute, batchInnerIn ? input : b.work[INPUT], rows);
    }

    @Override
    public void forwardChunk(LayerBuffers layerBuffers, int j) {
        Buffers b = (Buffers) layerBuffers;
        forward(b.compute, b, b.chunk[j]);
    }

    @Override
    public void endForward(Compute compute, LayerBuffers b) {
        // each chunk has written its outputs
    }

    /** One chunk's forward pass; the products and the unfolding split across the threads when they are free. */
    private void forward(Compute compute, Buffers b, ConvChunk chunk) {
        int n = chunk.count * patches.positions();
        int at = chunk.start * outputShape().size();
        if (b.rowInput != null) {
            int from = chunk.start * inputShape().size();
            Patches.batchInner(b.rowInput, from, b.source, from, chunk.count, inputShape().size());
        }
        chunk.unfold(compute, b.source);
        boolean linear = activation() == Activation.IDENTITY; // before pooling: a = z, so write a alone
        float[] target = linear ? b.output : b.z;
        boolean direct = batchInnerOut && b.chunks == 1; // then the product may write the buffer itself
        float[] z = direct ? target : chunk.z;
        compute.ab(weights, chunk.cols, z, filters, n, patches.patchSize(), false);
        for (int f = 0; f < filters; f++) {
            float bias = biases[f];
            for (int i = f * n; i < (f + 1) * n; i++) {
                z[i] += bias;
            }
        }
        if (batchInnerOut && !direct) {
            System.arraycopy(z, 0, target, at, filters * n);
        } else if (!batchInnerOut) {
            Patches.batchOuter(z, 0, target, at, chunk.count, outputShape().size());
        }
        if (!linear) {
            activation().applyRange(b.z, b.output, at, at + chunk.count * outputShape().size());
        }
    }

    @Override
    public void backward(Compute compute, float[] input, int rows, LayerBuffers layerBuffers, float stepScale,
                         float decay) {
        beginBackward(compute, layerBuffers);
        compute.forEachItem(((Buffers) layerBuffers).chunks, ((Buffers) layerBuffers).backward);
        endBackward(compute, layerBuffers, stepScale, decay);
    }

    @Override
    public void beginBackward(Compute compute, LayerBuffers layerBuffers) {
        ((Buffers) layerBuffers).compute = compute;
    }

    @Override
    public void backwardChunk(LayerBuffers layerBuffers, int j) {
        Buffers b = (Buffers) layerBuffers;
        backward(b.compute, b, b.chunk[j]);
    }

    /** The chunks' shares of the gradients summed in chunk order, then the fused step (see {@link Layer#backward}). */
    @Override
    public void endBackward(Compute compute, LayerBuffers layerBuffers, float stepScale, float decay) {
        Buffers b = (Buffers) layerBuffers;
        float[] nablaW = stepScale == 0f ? parameters.get(0).gradient() : b.work[WEIGHT_GRADIENT];
        float[] nablaWt = b.sumOfChunks();
        ConvChunk.transpose(nablaWt, nablaW, patches.patchSize(), filters);
        float[] nablaB = stepScale == 0f ? parameters.get(1).gradient() : b.work[BIAS_GRADIENT];
        for (int f = 0; f < filters; f++) {
            float sum = b.chunk[0].biasGradient[f];
            for (int j = 1; j < b.chunks; j++) {
                sum += b.chunk[j].biasGradient[f];
            }
            nablaB[f] = sum; // BP3: ∂C/∂b_f = Σ_N δ_f
        }
        if (stepScale == 0f) {
            return;
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = decay * weights[i] - stepScale * nablaW[i]; // step: w ← (1 − ηλ/n)·w − (η/m)·∂C/∂w
        }
        for (int f = 0; f < filters; f++) {
            biases[f] -= stepScale * nablaB[f]; // step: b_f ← b_f − (η/m)·Σ_N δ_f
        }
    }

    /** One chunk's backpropagation: its δ, its share of ∂C/∂W and ∂C/∂b, and ∂C/∂x for its examples. */
    private void backward(Compute compute, Buffers b, ConvChunk chunk) {
        int n = chunk.count * patches.positions();
        int at = chunk.start * outputShape().size();
        int size = chunk.count * outputShape().size();
        if (!b.deltaGiven) {
            activation().multiplyByDerivative(b.z, b.output, b.delta, at, at + size); // BP2: δ = ∂C/∂a ⊙ σ'(z)
        }
        float[] delta = chunk.delta; // δ as [F × N]
        if (batchInnerOut && b.chunks == 1) {
            delta = b.delta;
        } else if (batchInnerOut) {
            System.arraycopy(b.delta, at, delta, 0, size);
        } else {
            Patches.batchInner(b.delta, at, delta, 0, chunk.count, outputShape().size());
        }
        if (b.inputGradient != null) { // before the step changes W
            compute.atb(weights, delta, chunk.colGradient, patches.patchSize(), n, filters); // BP2: ∂C/∂cols = Wᵀ · δ [C·K·K × N]
            float[] gradient = batchInnerIn ? b.inputGradient : b.work[INPUT_GRADIENT];
            chunk.fold(compute, gradient); // BP2: ∂C/∂x sums each input's patches [C × H × W × m]
            if (!batchInnerIn) { // to one example per row, for the previous layer
                int from = chunk.start * inputShape().size();
                Patches.batchOuter(gradient, from, b.inputGradient, from, chunk.count, inputShape().size());
            }
        }
        compute.abt(chunk.cols, delta, chunk.weightGradientT, patches.patchSize(), filters, n); // BP4: (∂C/∂W)ᵀ = cols · δᵀ [C·K·K × F]
        for (int f = 0; f < filters; f++) {
            chunk.biasGradient[f] = ConvChunk.sum(delta, f * n, n); // BP3, this chunk's share: Σ_N δ_f
        }
    }

    /**
     * A convolution's buffers: one {@link ConvChunk} of arrays per chunk of a mini-batch, so that chunks can run
     * on different threads; made once per workspace, so that a step allocates nothing.
     */
    static final class Buffers extends LayerBuffers {
        private final ConvLayer layer;
        private final ConvChunk[] chunk;
        private final Compute.Parts forward;
        private final Compute.Parts backward;
        private Compute compute;
        private float[] source;
        private float[] rowInput;
        private int chunks;

        Buffers(ConvLayer layer, int capacity, float dropout, int[] work, boolean training) {
            super(capacity, layer.inputShape().size(), layer.outputShape().size(), dropout, work, 0, training);
            this.layer = layer;
            this.chunk = new ConvChunk[Patches.chunks(capacity)];
            for (int j = 0; j < chunk.length; j++) {
                chunk[j] = new ConvChunk(layer.patches, layer.filters, Patches.chunkCapacity(capacity, j),
                        layer.batchInnerOut && capacity <= Patches.WHOLE, training);
            }
            this.forward = (from, to) -> {
                for (int j = from; j < to; j++) {
                    layer.forward(compute, this, chunk[j]);
                }
            };
            this.backward = (from, to) -> {
                for (int j = from; j < to; j++) {
                    layer.backward(compute, this, chunk[j]);
                }
            };
        }

        /** Cuts a mini-batch of {@code rows}, its input at {@code source}, into chunks. */
        void begin(Compute compute, float[] source, int rows) {
            this.compute = compute;
            this.source = source;
            this.rows = rows;
            this.chunks = Patches.chunks(rows);
            int size = Patches.chunkSize(rows);
            for (int j = 0; j < chunks; j++) {
                chunk[j].start = j * size;
                chunk[j].count = Math.min(size, rows - j * size);
            }
        }

        /** (∂C/∂W)ᵀ, the chunks' shares added in chunk order. */
        float[] sumOfChunks() {
            if (chunks == 1) {
                return chunk[0].weightGradientT;
            }
            float[] sum = work[WEIGHT_GRADIENT_T];
            System.arraycopy(chunk[0].weightGradientT, 0, sum, 0, sum.length);
            for (int j = 1; j < chunks; j++) {
                float[] share = chunk[j].weightGradientT;
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += share[i];
                }
            }
            return sum;
        }
    }
}
