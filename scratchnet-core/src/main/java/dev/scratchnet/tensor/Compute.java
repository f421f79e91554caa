package dev.scratchnet.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A matrix-multiply kernel and the fixed pool of threads that shares large products.
 *
 * <p>A product is split by rows of C into one part per thread when it is large enough to pay for the
 * hand-off; small products (such as those of a mini-batch of 10) stay on the calling thread. The pool's
 * workers spin briefly, then park, and dispatching a product allocates nothing. One product runs on the
 * pool at a time; a caller that finds the pool busy computes on its own thread, so sharing a Compute
 * between threads is safe. Results do not depend on the thread count (see {@link MatMul}).
 */
public final class Compute implements AutoCloseable {

    /**
     * Products with fewer multiply-adds than this stay on the calling thread. Measured: with 256-bit vectors,
     * at 10×784×30 (235K multiply-adds, ~18 µs on one thread) two threads already paid, since the workers
     * spin between products; with 512-bit vectors one thread does such a product twice as fast, and keeping
     * the products under {@link #PARALLEL_MIN_WORK_512} on it trained book-ch1 in 4.0, 4.2 and 3.9 s
     * against 4.5, 4.8 and 4.7 s (the same bits: a split never changes what an element sums).
     */
    static final long PARALLEL_MIN_WORK = 1L << 17;
    static final long PARALLEL_MIN_WORK_512 = 1L << 18;
    /** A·Bᵀ products with fewer rows than this are split by columns instead. */
    private static final int MIN_ROWS_PER_PART = 8;
    /**
     * A·B products with fewer rows than this (a convolution's filters times its unfolded patches) are split
     * by columns, so that each part packs only its columns of B and keeps the full height of its tiles.
     */
    static final int COLUMN_SPLIT_ROWS = 64;
    private static final long SPIN_NANOS = 200_000;

    private final MatMul kernel;
    private final long minParallelWork;
    private final Worker[] workers;
    private final Job job = new Job();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;

    /** A Compute with the best kernel of this JVM and {@code threads} threads (the caller's included). */
    public Compute(int threads) {
        this(Kernels.best(), threads);
    }

    public Compute(MatMul kernel, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.kernel = kernel;
        this.minParallelWork = kernel.vectorBits() >= 512 ? PARALLEL_MIN_WORK_512 : PARALLEL_MIN_WORK;
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
        if (workers.length == 0 || count < 2 || !busy.compareAndSet(false, true)) {
            parts.run(0, count);
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
            parts.run(from, to);
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
        run(Op.AB, a, b, c, m, n, k, 1f, accumulate);
    }

    /** C[m×n] = Aᵀ·B with A [k×m] and B [k×n]. */
    public void atb(float[] a, float[] b, float[] c, int m, int n, int k) {
        atb(a, b, c, m, n, k, 1f, false);
    }

    /** C[m×n] = α·Aᵀ·B, or C += α·Aᵀ·B when {@code accumulate}. */
    public void atb(float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate) {
        run(Op.ATB, a, b, c, m, n, k, alpha, accumulate);
    }

    /** C[m×n] = A·Bᵀ with A [m×k] and B [n×k]. */
    public void abt(float[] a, float[] b, float[] c, int m, int n, int k) {
        run(Op.ABT, a, b, c, m, n, k, 1f, false);
    }

    private void run(Op op, float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate) {
        boolean splittable = m >= MIN_ROWS_PER_PART * 2 || op != Op.ATB && n >= 16;
        boolean parallel = workers.length > 0 && (long) m * n * k >= minParallelWork && splittable
                && busy.compareAndSet(false, true);
        if (!parallel) {
            job.compute(kernel, op, a, b, c, 0, m, m, n, k, alpha, accumulate);
            return;
        }
        try {
            job.set(op, a, b, c, m, n, k, alpha, accumulate, workers.length + 1);
            dispatch();
        } finally {
            busy.set(false);
        }
    }

    /** Hands the job set to the workers, does the last part itself, and waits for theirs. */
    private void dispatch() {
        pending.set(workers.length);
        generation++;
        for (Worker w : workers) {
            if (w.parking) { // a spinning worker sees the new generation by itself; waking one costs a system call
                LockSupport.unpark(w.thread);
            }
        }
        job.runPart(kernel, workers.length); // the last part, the larger when sizes differ: the caller starts first
        while (pending.get() != 0) {
            Thread.onSpinWait();
        }
        job.rethrow();
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    private enum Op { AB, ATB, ABT, PARTS, ITEMS }

    /** The product being shared; written by the caller before it bumps {@code generation}. */
    private static final class Job {
        private Op op;
        private float[] a, b, c;
        private int m, n, k, parts;
        private float alpha;
        private boolean accumulate;
        private Parts work;
        private final AtomicInteger next = new AtomicInteger();
        private volatile Throwable failure;

        void set(Op op, float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate,
                 int parts) {
            this.alpha = alpha;
            this.op = op;
            this.a = a;
            this.b = b;
            this.c = c;
            this.m = m;
            this.n = n;
            this.k = k;
            this.accumulate = accumulate;
            this.parts = parts;
            this.failure = null;
        }

        void setParts(Parts parts, int count, int threads) {
            this.op = Op.PARTS;
            this.work = parts;
            this.m = count;
            this.parts = threads;
            this.failure = null;
        }

        void setItems(Parts parts, int from, int to) {
            setParts(parts, to, 1);
            this.op = Op.ITEMS;
            next.set(from);
        }

        void runPart(MatMul kernel, int part) {
            try {
                if (op == Op.ITEMS) {
                    for (int item = next.getAndIncrement(); item < m; item = next.getAndIncrement()) {
                        work.run(item, item + 1);
                    }
                } else if (op == Op.PARTS) {
                    work.run((int) ((long) m * part / parts), (int) ((long) m * (part + 1) / parts)); // m may be a whole tensor's length
                } else if (op == Op.ABT && m < 2 * MIN_ROWS_PER_PART) {
                    // Few rows: split the columns, on multiples of 4 to keep the kernel's tiles.
                    kernel.abt(a, b, c, m, 0, m, boundary(n, part), boundary(n, part + 1), n, k);
                } else if (op == Op.AB && m < COLUMN_SPLIT_ROWS) {
                    kernel.abColumns(a, b, c, m, boundary(n, part), boundary(n, part + 1), n, k, accumulate);
                } else {
                    compute(kernel, op, a, b, c, boundary(m, part), boundary(m, part + 1), m, n, k, alpha, accumulate);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Where part p of {@code size} starts: a multiple of 4, except the end. */
        private int boundary(int size, int part) {
            return part >= parts ? size : Math.min(size, (size * part / parts) & ~3);
        }

        void compute(MatMul kernel, Op op, float[] a, float[] b, float[] c,
                     int from, int to, int m, int n, int k, float alpha, boolean accumulate) {
            switch (op) {
                case AB -> kernel.ab(a, b, c, from, to, n, k, accumulate);
                case ATB -> kernel.atb(a, b, c, from, to, m, n, k, alpha, accumulate);
                case ABT -> kernel.abt(a, b, c, m, from, to, 0, n, n, k);
                default -> throw new IllegalStateException(op.name());
            }
        }

        void rethrow() {
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
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
                    job.runPart(kernel, part);
                    pending.decrementAndGet();
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
