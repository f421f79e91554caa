package dev.scratchnet.cli;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine.Option;

/** {@code --spark}, {@code --workers} and {@code --average-every}: data-parallel training on Apache Spark. */
final class ScaleOutOptions {

    /** DL4J's parameter averaging averages every 5 mini-batches by default. */
    static final int DEFAULT_AVERAGE_EVERY = 5;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Train data-parallel on Apache Spark: local[N] or spark://HOST:PORT "
                    + "(workers train their shard, the driver averages parameters and optimizer state).")
    String master;

    @Option(names = "--workers", paramLabel = "N",
            description = "With --spark: training-set shards, one per worker task (default: 2).")
    Integer workers;

    @Option(names = "--average-every", paramLabel = "K",
            description = "With --spark: mini-batches each worker trains between averagings (default: "
                    + DEFAULT_AVERAGE_EVERY + "; 1 with sgd is synchronous gradient averaging).")
    Integer averageEvery;

    boolean enabled() {
        return master != null;
    }

    int workers() {
        return workers == null ? 2 : workers;
    }

    int averageEvery() {
        return averageEvery == null ? DEFAULT_AVERAGE_EVERY : averageEvery;
    }

    /** The flags' own checks and the master's, before any data is loaded; returns the provider, or null. */
    ScaleOut check() {
        if (!enabled()) {
            if (workers != null || averageEvery != null) {
                throw new IllegalArgumentException((workers != null ? "--workers" : "--average-every")
                        + " needs --spark MASTER (local[2] or spark://HOST:PORT)");
            }
            return null;
        }
        if (workers() < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, got " + workers());
        }
        if (averageEvery() < 1) {
            throw new IllegalArgumentException("--average-every must be at least 1, got " + averageEvery());
        }
        ScaleOut provider = provider();
        provider.checkMaster(master);
        return provider;
    }

    /** The scratchnet-spark module's provider; a one-line error when it is not on the class path. */
    static ScaleOut provider() {
        return ServiceLoader.load(ScaleOut.class).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "--spark needs the scratchnet-spark module on the class path: run through ./scratchnet, which adds it"));
    }

    /** A run's recorded configuration, with the Spark settings of a --spark run (models and checkpoints keep it). */
    java.util.Map<String, Object> describe(java.util.Map<String, Object> training) {
        if (enabled()) {
            training.put("spark_workers", workers());
            training.put("average_every", averageEvery());
        }
        return training;
    }

    /**
     * The seed to resume with: the checkpoint's own (a --spark run's shards and every worker's shuffle follow
     * from it, so a resumed run equals the uninterrupted one without --seed given again). A --spark run resumed
     * with other --workers or --average-every is refused in one line.
     */
    long resumed(java.util.Map<String, Object> recorded, long given, boolean seedGiven) {
        if (recorded.containsKey("spark_workers") != enabled()) {
            throw new IllegalArgumentException("the checkpoint was trained " + (enabled() ? "without" : "with")
                    + " --spark; resume it " + (enabled() ? "without --spark" : "with --spark and the same --workers and"
                    + " --average-every") + " (the two train differently)");
        }
        if (seedGiven && recorded.get("seed") instanceof Number s && s.longValue() != given) {
            throw new IllegalArgumentException("the checkpoint was trained with --seed " + s + ", this run has --seed "
                    + given + "; leave --seed out to resume (the checkpoint keeps it)");
        }
        if (enabled() && recorded.get("spark_workers") instanceof Number w && recorded.get("average_every") instanceof Number k
                && (w.intValue() != workers() || k.intValue() != averageEvery())) {
            throw new IllegalArgumentException("the checkpoint was trained with --workers " + w + " --average-every " + k
                    + ", this run has --workers " + workers() + " --average-every " + averageEvery()
                    + "; give the same values to resume it");
        }
        return recorded.get("seed") instanceof Number s ? s.longValue() : given;
    }

    static void describe(PrintWriter out, ScaleOutOptions o) {
        out.printf("Spark: master %s, %d workers, averaging every %d mini-batches%n", o.master, o.workers(),
                o.averageEvery());
    }
}
