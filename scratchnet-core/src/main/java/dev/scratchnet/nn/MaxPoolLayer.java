package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Kernels;
import dev.scratchnet.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Max-pooling (the book's chapter 6): each channel's K × K blocks, stride K, are each replaced by their
 * largest value, z[n, c, y, x] = max_{i,j < K} x[n, c, y·K + i, x·K + j], then a = σ(z). Rows and columns
 * that do not fill a whole block are dropped, as in PyTorch. After a convolution whose activation is the
 * identity this computes network3.py's σ(maxpool(conv(x)) + b), b added before the maximum, which is the
 * same value since adding b preserves order. No parameters.
 *
 * <p>Backpropagation routes each δ to the input that won its block (the first on ties), and 0 to the rest.
 * The work is done batch-innermost, chunk by chunk ([C × H × W × m], see {@link Patches}), split by chunk
 * and channel across the pool of threads; a pooling layer that takes the network's input or feeds a dense
 * layer converts from or to one example per row.
 */
public final class MaxPoolLayer implements ChunkedLayer {

    private static final int INPUT = 0;
    private static final int Z = 1;
    private static final int INPUT_GRADIENT = 2;

    private final LayerSpec.MaxPool spec;
    private final Shape input;
    private final Shape output;
    private final boolean batchInnerIn;
    private final boolean batchInnerOut;

    /** Taking and giving one example per row. */
    public MaxPoolLayer(LayerSpec.MaxPool spec, Shape input) {
        this(spec, input, false, false);
    }

    /** With the batch innermost in its input (after a conv or pooling layer) or its output (before one). */
    MaxPoolLayer(LayerSpec.MaxPool spec, Shape input, boolean batchInnerIn, boolean batchInnerOut) {
        this.spec = spec;
        this.input = input;
        this.output = spec.outputShape(input);
        this.batchInnerIn = batchInnerIn;
        this.batchInnerOut = batchInnerOut;
    }

    @Override
    public LayerSpec spec() {
        return spec;
    }

    @Override
    public Shape inputShape() {
        return input;
    }

    @Override
    public Shape outputShape() {
        return output;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public boolean takesDropout() {
        return false;
    }

    @Override
    public void initialize(Init init, Random random) {
        // nothing to draw
    }

    @Override
    public LayerBuffers buffers(int capacity, float dropout, boolean training) {
        int in = batchInnerIn ? 0 : capacity * input.size();
        return new Buffers(this, capacity, dropout, new int[] {in, batchInnerOut ? 0 : capacity * output.size(),
            training ? in : 0}, training);
    }

    /**
     * Pooling's buffers, with its passes as parts the pool of threads shares, by chunk and channel (each part
     * writes only its own), and its activation and derivative in parts of any size; made once per workspace,
     * so that a step allocates nothing.
     */
    static final class Buffers extends LayerBuffers {
        private final MaxPoolLayer layer;
        private final Compute.Parts forward = this::forward;
        private final Compute.Parts backward = this::backward;
        private final Compute.Parts activate;
        private final Compute.Parts derivative;
        private float[] poolIn;
        private float[] poolOut;
        private float[] routeIn;
        private float[] routeOut;
        private Compute compute;

        Buffers(MaxPoolLayer layer, int capacity, float dropout, int[] work, boolean training) {
            super(capacity, layer.input.size(), layer.output.size(), dropout, work, capacity * layer.output.size(),
                    training);
            this.layer = layer;
            Activation activation = layer.activation();
            this.activate = (from, to) -> activation.applyRange(z, output, from, to);
            this.derivative = (from, to) -> activation.multiplyByDerivative(z, output, delta, from, to); // BP2: δ = ∂C/∂a ⊙ σ'(z)
        }

        private void forward(int from, int to) {
            each(from, to, true);
        }

        private void backward(int from, int to) {
            each(from, to, false);
        }

        /** Items [from, to) of the chunks × channels of a mini-batch (see {@link Patches}), either way. */
        private void each(int from, int to, boolean forward) {
            int channels = layer.input.channels();
            int size = Patches.chunkSize(rows);
            for (int item = from; item < to; item++) {
                int start = item / channels * size;
                int c = item % channels;
                int m = Math.min(size, rows - start);
                int in = start * layer.input.size();
                int out = start * layer.output.size();
                int positions = layer.output.rows() * layer.output.cols();
                int plane = positions * m;
                int first = out + c * plane; // this item's outputs, when they stay batch-innermost
                int lo = c * positions; // this channel's outputs in one example's row
                if (forward) {
                    layer.pool(poolIn, in, poolOut, out, indices, m, c);
                    if (layer.batchInnerOut) {
                        activate.run(first, first + plane); // while they are in the core's cache
                    } else { // to one example per row, for the dense layer next
                        Patches.batchOuter(poolOut, out, z, out, m, layer.output.size(), lo, lo + positions);
                    }
                } else {
                    if (layer.batchInnerOut && !deltaGiven) {
                        derivative.run(first, first + plane);
                    }
                    if (routeOut == null) { // the first layer: no input gradient to route to
                        continue;
                    }
                    if (!layer.batchInnerOut) {
                        Patches.batchInner(delta, out, routeIn, out, m, layer.output.size(), lo, lo + positions);
                    }
                    layer.route(routeIn, out, routeOut, in, indices, m, c);
                }
            }
        }
    }

    /** z = the maximum of each block, its input's index kept for backpropagation; a = σ(z). */
    @Override
    public void forward(Compute compute, float[] x, int rows, LayerBuffers layerBuffers) {
        beginForward(compute, x, rows, layerBuffers);
        compute.forEachItem(0, Patches.chunks(rows) * input.channels(), ((Buffers) layerBuffers).forward);
        endForward(compute, layerBuffers);
    }

    @Override
    public void beginForward(Compute compute, float[] x, int rows, LayerBuffers layerBuffers) {
        Buffers b = (Buffers) layerBuffers;
        b.compute = compute;
        b.rows = rows;
        b.poolIn = x;
        if (!batchInnerIn) { // the network's input, all there already
            Patches.toChunks(x, b.poolIn = b.work[INPUT], rows, input.size());
        }
        b.poolOut = batchInnerOut ? b.z() : b.work[Z];
    }

    /** Chunk j's channels, one at a time to each free thread. */
    @Override
    public void forwardChunk(LayerBuffers layerBuffers, int j) {
        Buffers b = (Buffers) layerBuffers;
        b.compute.forEachItem(j * input.channels(), (j + 1) * input.channels(), b.forward);
    }

    @Override
    public void endForward(Compute compute, LayerBuffers layerBuffers) {
        Buffers b = (Buffers) layerBuffers;
        if (!batchInnerOut) { // else each item has applied σ to its outputs; here they are one example per row
            compute.forEach(b.rows * output.size(), b.activate); // element-wise, so in parts of any size
        }
    }

    @Override
    public void backward(Compute compute, float[] x, int rows, LayerBuffers layerBuffers, float stepScale, float decay) {
        beginBackward(compute, layerBuffers);
        compute.forEachItem(0, Patches.chunks(rows) * input.channels(), ((Buffers) layerBuffers).backward);
        endBackward(compute, layerBuffers, stepScale, decay);
    }

    @Override
    public void beginBackward(Compute compute, LayerBuffers layerBuffers) {
        Buffers b = (Buffers) layerBuffers;
        b.compute = compute;
        if (!b.deltaGiven && !batchInnerOut) { // δ from the dense layer after, all there; else item by item
            compute.forEach(b.rows * output.size(), b.derivative);
        }
        b.routeIn = batchInnerOut ? b.delta() : b.work[Z]; // each item takes its δ to chunks itself
        b.routeOut = b.inputGradient == null ? null : batchInnerIn ? b.inputGradient : b.work[INPUT_GRADIENT];
    }

    @Override
    public void backwardChunk(LayerBuffers layerBuffers, int j) {
        Buffers b = (Buffers) layerBuffers;
        b.compute.forEachItem(j * input.channels(), (j + 1) * input.channels(), b.backward);
    }

    @Override
    public void endBackward(Compute compute, LayerBuffers layerBuffers, float stepScale, float decay) {
        Buffers b = (Buffers) layerBuffers;
        if (b.routeOut != null && !batchInnerIn) {
            Patches.fromChunks(b.routeOut, b.inputGradient, b.rows, input.size());
        }
    }

    /**
     * Channel c of z [C × OH × OW × m] at {@code zAt} from the m images x [C × H × W × m] at {@code xAt}: the
     * first largest value of each block, and its index in x.
     */
    private void pool(float[] x, int xAt, float[] z, int zAt, int[] winners, int m, int c) {
        int k = spec.window();
        int w = input.cols();
        for (int oy = 0; oy < output.rows(); oy++) {
            int at = zAt + (c * output.rows() + oy) * output.cols() * m;
            int corner = xAt + (c * input.rows() + oy * k) * w * m;
            if (k == 2) { // the book's window, unrolled
                Kernels.elementwise().maxPool2(x, corner, w * m, m, output.cols(), z, winners, at);
                continue;
            }
            for (int ox = 0; ox < output.cols(); ox++, at += m, corner += k * m) {
                for (int n = 0; n < m; n++) {
                    int best = corner + n;
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            best = larger(x, best, corner + (i * w + j) * m + n);
                        }
                    }
                    z[at + n] = x[best];
                    winners[at + n] = best;
                }
            }
        }
    }

    /**
     * j when x[j] > x[i], else i, without a branch (random winners defeat branch prediction): the sign bit of
     * x[i] − x[j] chooses. The first of equal values wins, except between a −0 and a +0.
     */
    private static int larger(float[] x, int i, int j) {
        int jWins = Float.floatToRawIntBits(x[i] - x[j]) >>> 31;
        return i + ((j - i) & -jWins);
    }

    /**
     * Channel c of the m examples at {@code deltaAt} and {@code gradientAt}: each output's δ goes to its
     * block's winner, in the same channel; the rest get 0.
     */
    private void route(float[] delta, int deltaAt, float[] gradient, int gradientAt, int[] winners, int m, int c) {
        int inPlane = input.rows() * input.cols() * m;
        int outPlane = output.rows() * output.cols() * m;
        Arrays.fill(gradient, gradientAt + c * inPlane, gradientAt + (c + 1) * inPlane, 0f);
        for (int i = deltaAt + c * outPlane; i < deltaAt + (c + 1) * outPlane; i++) {
            gradient[winners[i]] = delta[i]; // BP2 through the max: ∂C/∂x = δ at the winner, else 0
        }
    }
}
