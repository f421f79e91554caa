package dev.scratchnet.tensor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work {@link Compute} is sharing: a product split by rows or handed out in column items, or parts or
 * items of the caller's own work. Written by the caller before it bumps the pool's generation; each thread
 * then runs its part.
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
    private Compute.Parts work;
    /** What a weight gradient hands its finished rows to, or null. */
    private Compute.Parts done;
    private final AtomicInteger next = new AtomicInteger();
    private volatile Throwable failure;

    void set(Op op, float[] a, float[] b, float[] c, int m, int n, int k, float alpha, boolean accumulate,
             int parts, int columns, Compute.Parts done) {
        this.columns = columns;
        this.done = done;
        next.set(0);
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

    void setParts(Compute.Parts parts, int count, int threads) {
        this.columns = 0;
        this.op = Op.PARTS;
        this.work = parts;
        this.m = count;
        this.parts = threads;
        this.failure = null;
    }

    void setItems(Compute.Parts parts, int from, int to) {
        setParts(parts, to, 1);
        this.op = Op.ITEMS;
        next.set(from);
    }

    void runPart(MatMul kernel, int part) {
        try {
            if (op == Op.ITEMS) {
                for (int item = next.getAndIncrement(); item < m; item = next.getAndIncrement()) {
                    Compute.runHere(work, item, item + 1);
                }
            } else if (op == Op.PARTS) {
                Compute.runHere(work, (int) ((long) m * part / parts), (int) ((long) m * (part + 1) / parts)); // m may be a whole tensor's length
            } else if (columns > 0) {
                for (int item = next.getAndIncrement(), from; (from = item * columns) < n; item = next.getAndIncrement()) {
                    columns(kernel, from, Math.min(n, from + columns));
                }
            } else if (op == Op.ABT && Compute.abtByColumnParts(m, n)) {
                // By columns, on multiples of 4 to keep the kernel's tiles: the rows of W a thread reads are
                // the rows it updates in the weight gradient Aᵀ·B, split by rows at the same boundaries.
                kernel.abt(a, b, c, m, 0, m, boundary(n, part), boundary(n, part + 1), n, k);
            } else if (op == Op.AB && m < Compute.COLUMN_SPLIT_ROWS) {
                kernel.abColumns(a, b, c, m, boundary(n, part), boundary(n, part + 1), n, k, accumulate);
            } else {
                compute(kernel, op, a, b, c, boundary(m, part), boundary(m, part + 1), m, n, k, alpha, accumulate, done);
            }
        } catch (Throwable t) {
            failure = t;
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
