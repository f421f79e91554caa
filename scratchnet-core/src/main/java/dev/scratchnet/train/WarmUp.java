package dev.scratchnet.train;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Gets the JIT's compiled kernels ready while the caller loads its data: on a thread of its own, trains a
 * throwaway network of the run's architecture, with the run's configuration and thread count, on made-up
 * images, evaluating it after every short epoch, until {@link #close} is called. A run's first epoch otherwise
 * spends most of its time in kernels that the JIT has not yet compiled (book-ch1: 0.9-1.1 s against 0.11-0.12 s
 * for every later one). The gain is small, since C2 itself is what the first epoch waits for: book-ch1's wall
 * time a median 4.56 s against 4.63 s over eight alternating pairs (Temurin 25, 512-bit vectors).
 *
 * <p>It shares no state with the run: its own network, data, generator and Compute, so the run's results are
 * the same with or without it (it does share the cores and the heap, for the time the data takes to load).
 * Dense networks of at most {@link #MAX_PARAMETERS} parameters and mini-batches of at most {@link #MAX_BATCH}
 * only: a conv net's epoch takes tens of seconds, beside which a warm-up gains nothing, and its evaluation
 * buffers can take hundreds of MB; a second copy of a large network or mini-batch would take heap the run may
 * need. It stops after the mini-batch it is in when closed, and whatever goes wrong in it, running out of heap
 * included, is dropped with everything it made.
 */
public final class WarmUp implements AutoCloseable {

    /**
     * Mini-batches per made-up epoch (fewer for mini-batches above 128, but always one): short, so that the
     * evaluation's kernels are warmed early too.
     */
    static final int BATCHES = 50;
    static final int MAX_IMAGES = 128 * BATCHES;

    /** 4M parameters, 16 MB of weights (the default preset has 0.67M). */
    static final long MAX_PARAMETERS = 1L << 22;
    /** The largest mini-batch it warms up for (the presets take 10 to 128). */
    static final int MAX_BATCH = 256;

    private volatile boolean stop;
    /** The thread that warms up, or null for a network it leaves alone. */
    private final Thread thread;

    private WarmUp(Architecture architecture, TrainConfig config, int threads, boolean warm) {
        thread = warm ? new Thread(() -> run(architecture, config, threads), "scratchnet-warm-up") : null;
    }

    /** Starts warming up for {@code config} on {@code architecture}, on {@code threads} threads (see above). */
    public static WarmUp start(Architecture architecture, TrainConfig config, int threads) {
        boolean small = !architecture.convolutional() && architecture.parameterCount() <= MAX_PARAMETERS
                && config.batchSize() <= MAX_BATCH;
        WarmUp warmUp = new WarmUp(architecture, config, threads, small);
        if (warmUp.thread != null) {
            warmUp.thread.setDaemon(true);
            try {
                warmUp.thread.start();
            } catch (OutOfMemoryError e) { // no thread to be had: the run goes on without one
                return new WarmUp(architecture, config, threads, false);
            }
        }
        return warmUp;
    }

    private void run(Architecture architecture, TrainConfig config, int threads) {
        Random random = new Random(0);
        int side = (int) Math.sqrt(architecture.inputSize());
        int rows = side * side == architecture.inputSize() ? side : 1;
        int cols = architecture.inputSize() / rows;
        int evaluated = Evaluation.BATCH;
        int training = Math.max(config.batchSize(), Math.min(config.batchSize() * BATCHES, MAX_IMAGES));
        try (Compute compute = new Compute(threads)) {
            Splits splits = new Splits(images(training, rows, cols, architecture, random),
                    Optional.of(images(evaluated, rows, cols, architecture, random)),
                    images(evaluated, rows, cols, architecture, random));
            Network network = Network.create(architecture, Init.defaultFor(architecture.activations().get(0)), random);
            Trainer trainer = new Trainer(network, config.withEpochs(Integer.MAX_VALUE), compute);
            trainer.fit(splits, random, new TrainingListener() {
                @Override
                public void onBatch(int epoch, int done, int total) {
                    if (stop) {
                        throw new Stopped(); // right away, not after the epoch and its evaluation
                    }
                }
            }, () -> stop);
        } catch (Throwable e) { // a disposable thread's work: nothing it made is used
            // stopped, or failed (made-up labels can drive the cost to infinity, a small heap can run out): it has
            // done its part, and what it made is garbage now
        }
    }

    /** Thrown from the warm-up's listener once it is closed. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private static Dataset images(int count, int rows, int cols, Architecture architecture, Random random) {
        byte[] pixels = new byte[count * rows * cols];
        random.nextBytes(pixels);
        byte[] labels = new byte[count];
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < architecture.outputSize(); c++) {
            classes.add(Integer.toString(c));
        }
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(architecture.outputSize());
        }
        return Dataset.of("warm-up", rows, cols, pixels, labels, classes);
    }

    /** Stops the warm-up after its current mini-batch (or evaluation); does not wait for it. */
    @Override
    public void close() {
        stop = true;
    }

    /** Whether it is running (for tests). */
    boolean running() {
        return thread != null && thread.isAlive();
    }

    /** Waits up to {@code millis} for its thread to end; whether it has (for tests). */
    boolean ended(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
        return !running();
    }
}
