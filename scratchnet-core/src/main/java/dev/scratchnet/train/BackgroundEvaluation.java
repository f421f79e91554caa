package dev.scratchnet.train;

import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * An epoch's evaluation on a thread of its own while the next epoch trains, for runs whose training leaves
 * the pool's other threads idle (book-ch1: every product of [784,30,10] at mini-batch 10 stays on the
 * calling thread, so the second core waits). The epoch's parameters are first copied, by name, into a
 * network of the same architecture, which the evaluation reads while training goes on changing its own.
 * The evaluation runs on one thread, a Compute of its own, so it takes one idle core and never the
 * training's pool; it measures what an evaluation right after the epoch would (a product's sums do not
 * depend on the thread count).
 */
final class BackgroundEvaluation implements AutoCloseable {

    private final Network network;
    private final Compute training;
    /** The copy, its evaluator, its Compute and its thread: made at the first evaluation, since most runs never start one. */
    private Network copy;
    private Evaluator evaluator;
    private Compute compute;
    private ExecutorService thread;
    private Future<EpochMetrics> pending;

    BackgroundEvaluation(Network network, Compute training) {
        this.network = network;
        this.training = training;
    }

    /** Copies the network's parameters as they are now, then runs {@code evaluation} on the copy elsewhere. */
    void start(BiFunction<Evaluator, Compute, EpochMetrics> evaluation) {
        if (pending != null) {
            throw new IllegalStateException("an evaluation is still pending");
        }
        if (copy == null) { // a conv net's evaluation buffers can take hundreds of MB: only when one runs here
            copy = new Network(network.architecture());
            evaluator = new Evaluator(copy, Math.min(Evaluation.BATCH, copy.maxBatch()));
            compute = new Compute(training.kernel(), 1);
            thread = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "scratchnet-evaluation");
                t.setDaemon(true);
                return t;
            });
        }
        for (Parameter p : network.parameters()) {
            System.arraycopy(p.values(), 0, copy.parameter(p.name()).values(), 0, p.values().length);
        }
        pending = thread.submit(() -> evaluation.apply(evaluator, compute));
    }

    /** The metrics of the evaluation started last, once it has finished and not yet been taken; else null. */
    EpochMetrics poll() {
        return pending != null && pending.isDone() ? await() : null;
    }

    /** The metrics of the evaluation started last, waiting for it; null when none is pending. */
    EpochMetrics await() {
        if (pending == null) {
            return null;
        }
        try {
            return pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingException("interrupted while waiting for an epoch's evaluation");
        } finally {
            pending = null;
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
            compute.close();
        }
    }
}
