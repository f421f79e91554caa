package dev.scratchnet.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A matrix-multiply kernel and the fixed pool of threads that shares large products.
 *
 * <p>A product large enough to pay for the hand-off is shared. An A·B or a packed A·Bᵀ of fewer than 256 rows (a
 * mini-batch's forward pass at 128 by a layer of 512, BP2), an A·B of at least 256 columns (a 1024³ product) and an
 * Aᵀ·B (a conv layer's Wᵀ·δ), when C has at least 64 columns, go out in items of whole packed panels of columns,
 * each thread taking the next item not yet taken and packing only its own columns of B. Other products are split
 * into one part per thread: by columns (on multiples of 4) for an A·Bᵀ of too few rows to pack, one of many more
 * columns than rows (the forward pass at mini-batch 32, x·Wᵀ with W of 512 rows) and an A·B of few rows; by rows
 * otherwise. A mini-batch's A·Bᵀ computed as Cᵀ = B·Aᵀ so that its examples fill whole panels
 * ({@link #abtSwapsForPanels}: x·Wᵀ at mini-batch 128 with 100 neurons) goes out in items of 32 examples. A dense
 * layer's weight gradient ({@link #weightGradient}) is split by rows at the boundaries of its forward product's
 * columns (in column items where that product is split by examples, unless it hands its rows to an optimizer's
 * update): each thread reads in the forward pass at mini-batch 10 or 32 the rows of W that it updated in the last
 * step, still in its core's cache (unless the caller took over a late worker's part); with column items they crossed
 * from one core to the other on every step. Small products (such as those of a mini-batch of 10's output layer) stay
 * on the calling thread. The pool's workers spin briefly, then park, and dispatching a product allocates nothing.
 * The caller, done with its own part, also runs any part that no worker has started yet (see {@link ComputeJob}).
 * One product runs on the pool at a time; a caller that finds the pool busy computes on its own thread, so sharing a
 * Compute between threads is safe. Results do not depend on the thread count (see {@link MatMul}).
 */
public final class Compute implements AutoCloseable {

    /**
     * Products with fewer multiply-adds than this stay on the calling thread. Measured: with 256-bit vectors,
     * at 10×784×30 (235K multiply-adds, ~18 µs on one thread) two threads already paid, since the workers
     * spin between products; with 512-bit vectors one thread does such a product twice as fast, and keeping
     * the products under {@link #PARALLEL_MIN_WORK_512} on it trained book-ch1 in 4.0, 4.2 and 3.9 s
     * against 4.5, 4.8 and 4.7 s (the same bits: a split never changes what an element sums). The bound was
     * then raised from 2^18 to 2^20, past [784,100,10] at mini-batch 10 (784K): on a 2-core Zen 5 its weight
     * gradient took 14 µs on one thread and 18-19 µs split over two (each half slowed when both ran), and one
     * thread trained it faster in four paired runs of 15 rounds (0.80, 0.97, 0.89 and 0.92 of the time).
     */
    static final long PARALLEL_MIN_WORK = 1L << 17;
    static final long PARALLEL_MIN_WORK_512 = 1L << 20;
    /**
     * A packed A·Bᵀ with at least this many times more columns than rows (a dense layer's forward product on
     * a mini-batch of 32: 32 × 512) is computed as Cᵀ = B·Aᵀ by the vector kernel, and split by columns.
     */
    static final int SWAP_MIN_RATIO = 16;
    /** A·Bᵀ products with fewer rows than this are split by columns instead. */
    static final int MIN_ROWS_PER_PART = 8;
    /**
     * A·B products with fewer rows than this (a convolution's filters times its unfolded patches) are split
     * by columns, so that each part packs only its columns of B and keeps the full height of its tiles.
     */
    static final int COLUMN_SPLIT_ROWS = 64;
    /**
     * A·B and packed A·Bᵀ products shared by the pool with fewer rows than this go out in column items (but
     * not an A·Bᵀ that {@link #abtByColumnParts} splits in one part per thread, nor one that
     * {@link #abtSwapsForPanels} computes transposed and hands out by rows), as do A·B products with at least this
     * many columns and Aᵀ·B products of any height.
     */
    static final int COLUMN_ITEMS_BELOW_ROWS = 256;
    /**
     * Column items are multiples of this many columns, and row items this many rows: whole packed panels at 256
     * and 512 bits (NR = 16, 32).
     */
    static final int COLUMN_ITEM_UNIT = 32;
    private static final long SPIN_NANOS = 200_000;

    private final MatMul kernel;
    private final long minParallelWork;
    private final Worker[] workers;
    private final ComputeJob job;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile int generation;
    private volatile boolean closed;
    /** Work handed to the pool so far; written only by the thread that holds {@link #busy}. */
    private volatile long shared;

    /** A Compute with the best kernel of this JVM and {@code threads} threads (the caller's included). */
    public Compute(int threads) {
        this(Kernels.best(), threads);
    }

    public Compute(MatMul kernel, int threads) {
        this(kernel, threads, kernel.vectorBits() >= 512 ? PARALLEL_MIN_WORK_512 : PARALLEL_MIN_WORK);
    }

    /** With its own bound on the products it shares: tests split products of every size. */
    Compute(MatMul kernel, int threads, long minParallelWork) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.kernel = kernel;
        this.minParallelWork = minParallelWork;
        this.job = new ComputeJob(threads);
        this.workers = new Worker[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker(w);
            workers[w].thread.start();
        }
    }

    public MatMul kernel() {
        return kernel;
    }

    public int threads() {
        return workers.length + 1;
    }

    /**
     * How many times work has gone to the pool's threads so far (products, parts or items): unchanged over a
     * stretch of work means the other threads sat idle through it.
     */
    public long sharedWork() {
        return shared;
    }

    /** Work that can be split into ranges of items, each range done by one thread. */
    @FunctionalInterface
    public interface Parts {
        /** Does the items [from, to). */
        void run(int from, int to);
    }

    /**
     * Runs {@code parts} over the items [0, count) split evenly across the pool (or on the calling thread
     * when the pool is busy or count is 1). The parts must write disjoint memory. Allocates nothing.
     */
    public void forEach(int count, Parts parts) {
        forEach(count, 2, parts);
    }

    /**
     * As {@link #forEach(int, Parts)}, on the calling thread when count &lt; minCount (work too small to pay
     * for a hand-off). Work of every kind passes this method's one call of {@code parts.run}, so C2 does not
     * inline the kernels of several kinds into one caller there, which could outgrow its inlining budget and
     * leave SIMD code boxing its vectors.
     */
    public void forEach(int count, int minCount, Parts parts) {
        if (workers.length == 0 || count < Math.max(2, minCount) || !busy.compareAndSet(false, true)) {
            runHere(parts, 0, count);
            return;
        }
        try {
            job.setParts(parts, count, workers.length + 1);
            dispatch();
        } finally {
            busy.set(false);
        }
    }

    /**
     * {@code parts.run(from, to)} on this thread: the call shared by {@link #forEach} and {@link #forEachItem}
     * on the calling thread, the pool's parts and items ({@link ComputeJob}) and a product handing over finished
     * rows, so that the call's profile sees many kinds of work and C2 is unlikely to inline any into its caller
     * (two SIMD rules inlined into one method can outgrow C2's node budget and box their vectors).
     */
    static void runHere(Parts parts, int from, int to) {
        parts.run(from, to);
    }

    /**
     * Runs {@code parts} over the items [0, count) one item at a time, each thread taking the next item not
     * yet taken, so that a thread slowed by anything (a later start, a busy core) takes fewer: for a few
     * items of equal work, such as a mini-batch's chunks. Which thread runs an item never changes what the
     * item computes, so the results are those of {@link #forEach}. The parts must write disjoint memory.
     */
    public void forEachItem(int count, Parts parts) {
        forEachItem(0, count, parts);
    }

    /** As {@link #forEachItem(int, Parts)} over the items [from, to). */
    public void forEachItem(int from, int to, Parts parts) {
        if (workers.length == 0 || to - from < 2 || !busy.compareAndSet(false, true)) {
            runHere(parts, from, to);
            return;
        }
        try {
            job.setItems(parts, from, to);
            dispatch();
        } finally {
            busy.set(false);
        }
    }

    /** C[m×n] = A[m×k]·B[k×n], or C += A·B when {@code accumulate}. */
    public void ab(float[] a, float[] b, float[] c, int m, int n, int k, boolean accumulate) {
        run(ComputeJob.Op.AB, a, b, c, m, n, k, 1f, accumulate, null);
    }

    /** C[m×n] = Aᵀ·B with A [k×m] and B [k×n]. */
    public void atb(float[] a, float[] b, float[] c, int m, int n, int k) {
        atb(a, b, c, m, n, k, 1f, false);
    }

    /** C[m×n] = α·Aᵀ·B, or C += α·Aᵀ·B when {@code accumulate}. */
    public void atb(float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate) {
        run(ComputeJob.Op.ATB, a, b, c, m, n, k, alpha, accumulate, null);
    }

    /**
     * A dense layer's weight gradient, C = α·Aᵀ·B (or C += α·Aᵀ·B), split by rows at the boundaries that
     * split the columns of its forward product x·Wᵀ (see the class comment), so that each thread writes the
     * rows of W that it reads in the next step's forward pass. Where that forward product is split by
     * examples instead ({@link #abtSwapsForPanels}: every thread reads all of W), the rows would only make
     * every thread pack all of the mini-batch's inputs B; it goes out in column items, each thread packing
     * only its columns of B ([784,100,10] at mini-batch 128: rounds 0.94 and 0.97 of the time, Zen 5, 512 bits).
     */
    public void weightGradient(float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate) {
        ComputeJob.Op op = abtSwapsForPanels(k, m) ? ComputeJob.Op.ATB : ComputeJob.Op.ATB_ROWS;
        run(op, a, b, c, m, n, k, alpha, accumulate, null);
    }

    /**
     * {@link #weightGradient} (C = Aᵀ·B) that hands each stretch of finished rows of C, as its element range,
     * to {@code done} on the thread that computed it, as soon as it is final: an optimizer's update of those
     * elements then runs inside the product, on each thread's own rows while they are in its cache, instead of
     * in a pass of its own over the whole gradient. The ranges are disjoint and cover C once.
     */
    public void weightGradient(float[] a, float[] b, float[] c, int m, int n, int k, Parts done) {
        run(ComputeJob.Op.ATB_ROWS, a, b, c, m, n, k, 1f, false, done);
    }

    /** C[m×n] = A·Bᵀ with A [m×k] and B [n×k]. */
    public void abt(float[] a, float[] b, float[] c, int m, int n, int k) {
        run(ComputeJob.Op.ABT, a, b, c, m, n, k, 1f, false, null);
    }

    private void run(ComputeJob.Op op, float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate,
                     Parts done) {
        boolean splittable = m >= MIN_ROWS_PER_PART * 2
                || op != ComputeJob.Op.ATB && op != ComputeJob.Op.ATB_ROWS && n >= 16;
        boolean parallel = workers.length > 0 && (long) m * n * k >= minParallelWork && splittable
                && busy.compareAndSet(false, true);
        if (!parallel) {
            job.compute(kernel, op, a, b, c, 0, m, m, n, k, alpha, accumulate, done);
            return;
        }
        try {
            job.set(op, a, b, c, m, n, k, alpha, accumulate, workers.length + 1,
                    byColumns(op, m, n) ? columnItem(n) : 0, done);
            if (op == ComputeJob.Op.ABT && abtSwapsForPanels(m, n)) {
                job.inRowItems(COLUMN_ITEM_UNIT);
            }
            dispatch();
        } finally {
            busy.set(false);
        }
    }

    /**
     * Whether a shared product goes out in column items (each thread taking the next range of columns of C
     * not yet taken, and packing only those columns of B) rather than one range of rows or columns per
     * thread (or row items, {@link #abtSwapsForPanels}): products of few rows (a mini-batch's forward pass at 128 into 512 neurons, BP2, a conv layer's
     * W · cols), A·B products of many columns, whose parts of rows would each pack all of a wide B (a 1024³ A·B
     * split by rows ran at 345 GFLOP/s, in column items at 371: two threads, Zen 5, 512 bits, medians of 21
     * rounds alternating), and Aᵀ·B products such as a conv layer's Wᵀ·δ.
     */
    private static boolean byColumns(ComputeJob.Op op, int m, int n) {
        if (op == ComputeJob.Op.ATB_ROWS
                || (op == ComputeJob.Op.ABT && (abtByColumnParts(m, n) || abtSwapsForPanels(m, n)))) {
            return false;
        }
        return n >= 2 * COLUMN_ITEM_UNIT && (op == ComputeJob.Op.ATB || m < COLUMN_ITEMS_BELOW_ROWS
                || op == ComputeJob.Op.AB && n >= COLUMN_ITEMS_BELOW_ROWS);
    }

    /**
     * Whether a shared A·Bᵀ splits its columns in one part per thread: too few rows to pack (dot products,
     * no packing to share) or many more columns than rows (computed as Cᵀ = B·Aᵀ, each thread packing the
     * mini-batch once), at the boundaries of {@link #weightGradient}'s rows.
     */
    static boolean abtByColumnParts(int m, int n) {
        return m < 2 * MIN_ROWS_PER_PART || n >= SWAP_MIN_RATIO * m;
    }

    /**
     * Whether a packed A·Bᵀ of a mini-batch (fewer than {@value #COLUMN_ITEMS_BELOW_ROWS} rows, a multiple of
     * {@value #COLUMN_ITEM_UNIT}) by a layer whose width is not such a multiple, and wide enough to go out in
     * column items otherwise (x·Wᵀ at mini-batch 128 with 100 neurons), is computed as Cᵀ = B·Aᵀ and goes out
     * in row items of {@value #COLUMN_ITEM_UNIT} examples: the examples then fill whole packed panels and each
     * thread packs only the examples it takes. Split by columns of 100, the items of 32, 32, 32 and 4 columns
     * gave one thread two full panels, the other one and a sliver. In one part per thread, the caller waited 15
     * to 22 µs a step for the worker's half (the second core ran slower), 10 to 16 µs with the row items; the
     * rounds of [784,100,10] at mini-batch 128 took 0.92 to 1.04 of the time in six paired runs (median 0.97).
     */
    static boolean abtSwapsForPanels(int m, int n) {
        return m < COLUMN_ITEMS_BELOW_ROWS && m >= 2 * COLUMN_ITEM_UNIT && m % COLUMN_ITEM_UNIT == 0
                && n >= 2 * COLUMN_ITEM_UNIT && n % COLUMN_ITEM_UNIT != 0 && n < m;
    }

    /** Columns per item: about four items per thread, a multiple of the packed panels' width. */
    private int columnItem(int n) {
        int per = (n + 4 * threads() - 1) / (4 * threads());
        return (per + COLUMN_ITEM_UNIT - 1) / COLUMN_ITEM_UNIT * COLUMN_ITEM_UNIT;
    }

    /**
     * Hands the job set to the workers, does the last part itself, then any part no worker has claimed yet,
     * and waits for the parts still running.
     */
    private void dispatch() {
        shared++; // only the holder of busy writes it
        int g = generation + 1;
        job.open(g);
        generation = g;
        for (Worker w : workers) {
            if (w.parking) { // a spinning worker sees the new generation by itself; waking one costs a system call
                LockSupport.unpark(w.thread);
            }
        }
        job.run(kernel, workers.length, g); // the last part, the larger when sizes differ: the caller starts first
        job.steal(kernel, g);
        while (!job.finished()) {
            Thread.onSpinWait();
        }
        job.close(g);
        job.rethrow();
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    private final class Worker implements Runnable {
        private final int part;
        private final Thread thread;
        /**
         * Set before the worker parks, and the generation read again after: the caller bumps the generation
         * before it reads this flag, so either the worker sees the new work or the caller sees it parking.
         */
        private volatile boolean parking;

        Worker(int part) {
            this.part = part;
            this.thread = new Thread(this, "scratchnet-compute-" + part);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0; // workers exist before the first product: every generation after 0 is work
            long idleSince = System.nanoTime();
            while (!closed) {
                int g = generation;
                if (g != seen) {
                    seen = g;
                    job.run(kernel, part, g);
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parking = true;
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parking = false;
                }
            }
        }
    }
}
