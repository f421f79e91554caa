package dev.scratchnet.spark;

import dev.scratchnet.cli.ScaleOut;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Network;
import dev.scratchnet.train.Optimizer;
import dev.scratchnet.train.TrainingException;
import dev.scratchnet.train.TrainingListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Data-parallel training by parameter averaging, as Deeplearning4j's on Spark: the training set is cut into
 * one shard per worker once and cached on the executors, with the network each worker trains; each round the driver broadcasts the parameters
 * and optimizer state, every worker trains K mini-batches of its shard from them, and the driver sets
 * both to the workers' mean. An epoch is as many rounds as the largest shard needs. With K = 1 and plain
 * SGD a round is one step along the mean of the workers' mini-batch gradients (synchronous SGD on a batch
 * of N·m).
 *
 * <p>{@code treeAggregate} brings the workers' results back keyed by partition and the driver sums them in
 * partition order: float sums depend on their order, and Spark combines partial results as they arrive.
 */
final class ParameterAveraging implements ScaleOut.Session {

    private final JavaSparkContext sc;
    private final ScaleOut.Request request;
    private final PrintWriter out;
    private final List<Broadcast<Dataset>> data = new ArrayList<>();
    private final JavaRDD<ShardWorker> workers;
    private final int largestShard;
    private final Traffic traffic = new Traffic();
    private boolean released;

    ParameterAveraging(JavaSparkContext sc, ScaleOut.Request request, PrintWriter out) {
        this.sc = sc;
        this.request = request;
        this.out = out;
        List<Dataset> split = Shards.split(request.training(), request.workers(), request.seed());
        this.largestShard = split.stream().mapToInt(Dataset::size).max().orElse(0);
        long start = System.nanoTime();
        split.forEach(shard -> data.add(sc.broadcast(shard))); // one each: an executor fetches only its own shard
        List<Broadcast<Dataset>> shards = List.copyOf(data);
        this.workers = sc.parallelize(IntStream.range(0, split.size()).boxed().toList(), split.size())
                .mapPartitionsWithIndex((index, ignored) -> List.of(new ShardWorker(shards.get(index).value())).iterator(),
                        true)
                .persist(StorageLevel.MEMORY_ONLY());
        long cached = workers.count();
        out.printf(Locale.ROOT, "Spark: %d shards of %,d to %,d images cached on the executors in %.1f s%n", cached,
                split.stream().mapToInt(Dataset::size).min().orElse(0), largestShard, (System.nanoTime() - start) / 1e9);
        out.flush();
    }

    @Override
    public Pass train(Network network, Optimizer optimizer, int epoch, float eta, TrainingListener listener,
                      BooleanSupplier stopRequested) {
        int copies = request.config().augmentation().copies();
        int examplesPerEpoch = request.training().size() * copies;
        long perRound = RoundTask.examplesPerRound(request.config(), request.averageEvery());
        int rounds = (int) ((largestShard * (long) copies + perRound - 1) / perRound);
        double cost = 0;
        int done = 0;
        for (int round = 0; round < rounds; round++) {
            if (stopRequested.getAsBoolean()) { // between epochs (during evaluation or a checkpoint)
                return new Pass(cost, done, true);
            }
            TreeMap<Integer, WorkerResult> results;
            long begin = System.nanoTime();
            byte[] start = Snapshot.encode(network, optimizer);
            try {
                results = round(start, network, epoch, round, eta, examplesPerEpoch);
            } catch (Exception e) { // SparkException is checked, though Scala declares it nowhere
                if (stopping(stopRequested)) { // Ctrl-C: Spark's own shutdown hook stops the context under the round
                    return new Pass(cost, done, true);
                }
                throw new TrainingException("a Spark round of epoch " + epoch + " failed: " + SparkConnection.reason(e));
            }
            double roundCost = 0;
            int roundExamples = 0;
            List<byte[]> trained = new ArrayList<>();
            for (WorkerResult r : results.values()) { // partition order
                if (r.examples() > 0) {
                    trained.add(r.snapshot());
                    roundCost += r.cost();
                    roundExamples += r.examples();
                }
            }
            if (!Double.isFinite(roundCost)) {
                throw new TrainingException("the cost became " + roundCost + " in epoch " + epoch
                        + "; training diverged: try a smaller --eta (now " + eta + ")");
            }
            Snapshot.averageInto(trained, network, optimizer);
            cost += roundCost;
            done += roundExamples;
            traffic.add(start.length, results.values(), System.nanoTime() - begin);
            listener.onBatch(epoch, done, examplesPerEpoch);
            if (stopRequested.getAsBoolean()) {
                return new Pass(cost, done, true);
            }
        }
        return new Pass(cost, done, false);
    }

    /** One round on the workers: their results by partition. */
    private TreeMap<Integer, WorkerResult> round(byte[] start, Network network, int epoch, int round, float eta,
                                                 int examplesPerEpoch) {
        Broadcast<byte[]> broadcast = sc.broadcast(start);
        try {
            RoundTask task = new RoundTask(broadcast, network.architecture(), request.config(), request.averageEvery(),
                    request.seed(), epoch, round, eta, examplesPerEpoch);
            return workers.mapPartitionsWithIndex(task, true)
                    .treeAggregate(new TreeMap<>(), ParameterAveraging::add, ParameterAveraging::merge);
        } finally {
            quietly(broadcast::destroy);
        }
    }

    /** Frees something on the executors; on a context that is stopping (Ctrl-C) there is nothing left to free. */
    private void quietly(Runnable free) {
        try {
            if (!sc.sc().isStopped()) {
                free.run();
            }
        } catch (Exception e) { // Spark's own shutdown got there first
            if (!sc.sc().isStopped()) {
                throw new TrainingException("Spark: " + SparkConnection.reason(e));
            }
        }
    }

    /** Whether a failed round is a stop: requested, or the context stopped with a request on its way (up to 2 s). */
    private boolean stopping(BooleanSupplier stopRequested) {
        for (int wait = 0; wait < 20 && !stopRequested.getAsBoolean() && sc.sc().isStopped(); wait++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return stopRequested.getAsBoolean();
    }

    private static TreeMap<Integer, WorkerResult> add(TreeMap<Integer, WorkerResult> into, WorkerResult r) {
        into.put(r.partition(), r);
        return into;
    }

    private static TreeMap<Integer, WorkerResult> merge(TreeMap<Integer, WorkerResult> a,
                                                        TreeMap<Integer, WorkerResult> b) {
        a.putAll(b);
        return a;
    }

    /** The rounds' traffic and time, reported when the session closes. */
    Traffic traffic() {
        return traffic;
    }

    /** Reports the traffic and frees the shards and their broadcasts, once; the context stays up. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (traffic.rounds() > 0) {
            out.println("Spark: " + traffic.describe(request.workers()));
            out.flush();
        }
        quietly(() -> workers.unpersist(false));
        data.forEach(b -> quietly(b::destroy));
    }

    @Override
    public void close() {
        try {
            release();
        } finally {
            sc.close();
        }
    }

    /** Bytes sent each way and time per round: what docs/scale-out.md's cost model is checked against. */
    static final class Traffic {
        private long rounds;
        private long sent;
        private long received;
        private final List<Long> roundNanos = new ArrayList<>();
        private final List<Long> workerNanos = new ArrayList<>();
        private final java.util.Set<String> kernels = new java.util.TreeSet<>();

        /** A round that sent {@code snapshot} bytes to each worker and got {@code results} back. */
        void add(long snapshot, java.util.Collection<WorkerResult> results, long nanos) {
            rounds++;
            sent += snapshot * results.size();
            long slowest = 0;
            for (WorkerResult r : results) {
                received += r.snapshot().length;
                slowest = Math.max(slowest, r.trainingNanos());
                if (r.examples() > 0) {
                    kernels.add(r.kernel());
                }
            }
            roundNanos.add(nanos);
            workerNanos.add(slowest);
        }

        long rounds() {
            return rounds;
        }

        String describe(int workers) {
            return String.format(Locale.ROOT, "%,d rounds; per round %.2f MB to the %d workers and %.2f MB back; "
                            + "a round took %.1f ms (median), of which the slowest worker trained %.1f ms; "
                            + "workers' kernel %s",
                    rounds, sent / 1e6 / rounds, workers, received / 1e6 / rounds, median(roundNanos) / 1e6,
                    median(workerNanos) / 1e6, String.join(", ", kernels));
        }

        private static double median(List<Long> values) {
            long[] v = values.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(v);
            return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
        }
    }
}
