package dev.scratchnet.train;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.SplitMix64;
import java.util.Random;

/**
 * One mini-batch's inputs, one example per row, and labels, gathered from the training set in the epoch's
 * order; each image distorted or shifted as the augmentation says. Made once per run, so gathering
 * allocates nothing.
 */
final class MiniBatch implements Compute.Parts {

    /**
     * Mini-batches of at least this many pixels without augmentation are copied by the whole pool: at 128
     * MNIST images (100,352 pixels, from random places in the set) the copy had the worker idle for a
     * tenth of the step.
     */
    static final int PARALLEL_MIN_PIXELS = 1 << 15;

    private final int inputSize;
    private final Augmentation augmentation;
    private final float[] x;
    private final int[] labels;
    private final SplitMix64 distortions = new SplitMix64(0);
    private float[] scratch = new float[0];
    /** The set and the examples a parallel copy takes, set just before it. */
    private Dataset source;
    private int[] sourceOrder;
    private int sourceFrom;
    /** The XOR of the bytes {@link Dataset#touch} read, kept so that the JIT does not drop the reads. */
    private int touched;

    MiniBatch(int capacity, int inputSize, Augmentation augmentation) {
        this.inputSize = inputSize;
        this.augmentation = augmentation;
        this.x = new float[capacity * inputSize];
        this.labels = new int[capacity];
    }

    /**
     * Copies examples order[from .. from+rows) into the inputs and labels; a small mini-batch copied on the
     * calling thread without augmentation then touches the images of order[from+rows .. from+2·rows), the
     * next one's (book-ch1's steady epochs were faster in 8 of 8 alternating pairs; at mini-batch 128, copied
     * by the pool, touching gained nothing). With {@code expand}, example k is
     * image k / 5 shifted in direction k mod 5; {@code shift} and {@code elastic} draw their distortions from
     * a stream seeded by one long of the run's generator.
     */
    void gather(Dataset training, int[] order, int from, int rows, Random random, Compute compute) {
        if (augmentation == Augmentation.NONE) {
            source = training;
            sourceOrder = order;
            sourceFrom = from;
            try {
                if (rows * inputSize >= PARALLEL_MIN_PIXELS) {
                    compute.forEach(rows, this);
                    return;
                }
                run(0, rows);
            } finally {
                source = null;
                sourceOrder = null;
            }
            for (int r = from + rows, end = Math.min(from + 2 * rows, order.length); r < end; r++) {
                touched ^= training.touch(order[r]); // the next mini-batch's images, see Dataset.touch
            }
            return;
        }
        int side = training.imageCols();
        if (augmentation.draws()) {
            distortions.reseed(random.nextLong());
        }
        if (scratch.length == 0) { // the data set gives the image size
            scratch = new float[Augmentation.scratchSize(side)];
        }
        int copies = augmentation.copies();
        for (int r = 0; r < rows; r++) {
            int k = order[from + r];
            int i = k / copies;
            training.image(i, x, r * inputSize);
            if (copies > 1) {
                Augmentation.shift(x, r * inputSize, side, k % copies, scratch);
            }
            augmentation.apply(x, r * inputSize, side, distortions, scratch);
            labels[r] = training.label(i);
        }
    }

    /** Copies the rows [from, to) of a mini-batch without augmentation, on whichever thread runs it. */
    @Override
    public void run(int from, int to) {
        for (int r = from; r < to; r++) {
            int i = sourceOrder[sourceFrom + r];
            source.image(i, x, r * inputSize);
            labels[r] = source.label(i);
        }
    }

    float[] inputs() {
        return x;
    }

    int[] labels() {
        return labels;
    }
}
