package dev.scratchnet.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The work {@link Compute} is sharing: a product split by rows or handed out in column or row items, or parts or
 * items of the caller's own work. Written by the caller, then opened to claims ({@link #open}) before it
 * publishes the pool's generation; each thread then claims its part, or items.
 *
 * <p>Every part and item is claimed before it runs, by an atomic stamped with the job's generation, so that
 * each runs exactly once, and a thread that arrives late claims nothing: the caller, done with its own
 * part, runs any part not yet claimed ({@link #steal}) instead of waiting for a worker that has not started
 * (a worker whose core the system gave to another thread for a few milliseconds), and waits only for the
 * units actually running. A stamp also keeps a worker that reads the generation late from claiming work of
 * the next job.
 */
final class ComputeJob {

    /** What the job does: one of the three products, parts of work, or items of work. */
    enum Op { AB, ATB, ATB_ROWS, ABT, PARTS, ITEMS }

    private Op op;
    private float[] a, b, c;
    private int m, n, k, parts;
    private float alpha;
    private boolean accumulate;
    /** Columns per item when the product goes out in column items, else 0. */
    private int columns;
    /** Rows per item when the product goes out in row items ({@link #inRowItems}), else 0. */
    private int rows;
    private Compute.Parts work;
    /** What a weight gradient hands its finished rows to, or null. */
    private Compute.Parts done;
    /** Per part: generation·2 while it is free in that generation's job, generation·2 + 1 once claimed. */
    private final AtomicLongArray claims;
    /** Items: the generation in the high 32 bits, the next item not yet taken in the low 32. */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();
    /** Parts or items of the job, and the first item. */
    private int units, firstItem;
    private volatile Throwable failure;

    ComputeJob(int threads) {
        claims = new AtomicLongArray(threads);
    }

    void set(Op op, float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate,
             int parts, int columns, Compute.Parts done) {
        this.columns = columns;
        this.done = done;
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
        this.firstItem = 0;
        this.rows = 0;
        this.units = columns > 0 ? (n + columns - 1) / columns : parts;
    }

    /** The product just set goes out in items of {@code rows} rows of C instead. */
    void inRowItems(int rows) {
        this.rows = rows;
        this.units = (m + rows - 1) / rows;
    }

    void setParts(Compute.Parts parts, int count, int threads) {
        this.columns = 0;
        this.rows = 0;
        this.op = Op.PARTS;
        this.work = parts;
        this.m = count;
        this.parts = threads;
        this.failure = null;
        this.units = threads;
    }

    void setItems(Compute.Parts parts, int from, int to) {
        setParts(parts, to, 1);
        this.op = Op.ITEMS;
        this.firstItem = from;
        this.units = to - from;
    }

    /** Opens the job set last to claims of generation {@code g}; the caller then publishes g. */
    void open(int g) {
        finished.set(0);
        if (items()) {
            ticket.set((long) g << 32 | firstItem);
        } else {
            for (int p = 0; p < parts; p++) {
                claims.set(p, (long) g << 1);
            }
        }
    }

    /** Runs, on a thread that saw generation g, its part if still free, or items while any are left. */
    void run(MatMul kernel, int part, int g) {
        if (items()) {
            takeItems(kernel, g);
        } else if (claims.compareAndSet(part, (long) g << 1, ((long) g << 1) | 1)) {
            runUnit(kernel, part);
        }
    }

    /** The caller, done with its own part: runs every part that no thread has claimed yet. */
    void steal(MatMul kernel, int g) {
        if (!items()) {
            for (int p = 0; p < parts; p++) {
                run(kernel, p, g);
            }
        }
    }

    /**
     * After every unit of generation g has run (a job of any kind): no item can be taken any more, even by a
     * worker that read g late and would otherwise compare a stale ticket with the next job's bounds.
     */
    void close(int g) {
        ticket.set((long) g << 32 | Integer.MAX_VALUE);
    }

    /** Whether every part or item has run. */
    boolean finished() {
        return finished.get() == units;
    }

    private boolean items() {
        return op == Op.ITEMS || columns > 0 || rows > 0;
    }

    /**
     * Takes items while the ticket carries generation g. The bound is read from plain fields, which may
     * already be the next job's for a worker that came late; its ticket then fails the generation check (or,
     * closed, the bound), so nothing runs.
     */
    private void takeItems(MatMul kernel, int g) {
        for (long t = ticket.get(); (int) (t >>> 32) == g && (int) t < firstItem + units; t = ticket.get()) {
            if (ticket.compareAndSet(t, t + 1)) {
                runUnit(kernel, (int) t);
            }
        }
    }

    /** Part or item {@code unit}, counted as finished whether it completes or throws. */
    private void runUnit(MatMul kernel, int unit) {
        try {
            if (op == Op.ITEMS) {
                Compute.runHere(work, unit, unit + 1);
            } else if (op == Op.PARTS) {
                Compute.runHere(work, (int) ((long) m * unit / parts), (int) ((long) m * (unit + 1) / parts)); // m may be a whole tensor's length
            } else if (columns > 0) {
                int from = unit * columns;
                columns(kernel, from, Math.min(n, from + columns));
            } else if (rows > 0) {
                int from = unit * rows;
                compute(kernel, op, a, b, c, from, Math.min(m, from + rows), m, n, k, alpha, accumulate, done);
            } else if (op == Op.ABT && Compute.abtByColumnParts(m, n)) {
                // By columns, on multiples of 4 to keep the kernel's tiles: the rows of W a thread reads are
                // the rows it updates in the weight gradient Aᵀ·B, split by rows at the same boundaries.
                kernel.abt(a, b, c, m, 0, m, boundary(n, unit), boundary(n, unit + 1), n, k);
            } else if (op == Op.AB && m < Compute.COLUMN_SPLIT_ROWS) {
                kernel.abColumns(a, b, c, m, boundary(n, unit), boundary(n, unit + 1), n, k, accumulate);
            } else {
                compute(kernel, op, a, b, c, boundary(m, unit), boundary(m, unit + 1), m, n, k, alpha, accumulate, done);
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            finished.incrementAndGet();
        }
    }

    /** The columns [from, to) of all the rows of C. */
    private void columns(MatMul kernel, int from, int to) {
        switch (op) {
            case AB -> kernel.abColumns(a, b, c, m, from, to, n, k, accumulate);
            case ATB -> kernel.atbColumns(a, b, c, m, from, to, n, k, alpha, accumulate);
            case ABT -> kernel.abt(a, b, c, m, 0, m, from, to, n, k);
            default -> throw new IllegalStateException(op.name());
        }
    }

    /** Where part p of {@code size} starts: a multiple of 4, except the end. */
    private int boundary(int size, int part) {
        return part >= parts ? size : Math.min(size, (size * part / parts) & ~3);
    }

    void compute(MatMul kernel, Op op, float[] a, float[] b, float[] c,
                 int from, int to, int m, int n, int k, float alpha, boolean accumulate, Compute.Parts done) {
        if (done != null) { // only a weight gradient's rows
            kernel.atb(a, b, c, from, to, m, n, k, alpha, accumulate, done);
            return;
        }
        switch (op) {
            case AB -> kernel.ab(a, b, c, from, to, n, k, accumulate);
            case ATB, ATB_ROWS -> kernel.atb(a, b, c, from, to, m, n, k, alpha, accumulate);
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
