package dev.scratchnet.spark;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet cluster}: a Spark standalone cluster on 127.0.0.1 until Enter or Ctrl-C. */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start a Spark standalone master and workers on 127.0.0.1 (separate JVMs), print the master's "
                + "URL for train --spark and sweep --spark, and stop them when Enter is pressed (or on Ctrl-C).")
final class ClusterCommand implements Callable<Integer> {

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "Workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--cores", paramLabel = "N", defaultValue = "1", description = "Cores per worker (default: ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "2g",
            description = "Memory per worker for its executors (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7077", description = "The master's port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--dir", paramLabel = "DIR", description = "Logs and work folders (default: a new temporary folder).")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || cores < 1) {
            throw new IllegalArgumentException("--workers and --cores must be at least 1");
        }
        if (!memory.matches("[1-9][0-9]*[mMgG]")) {
            throw new IllegalArgumentException("--memory takes a size such as 512m or 2g, got '" + memory + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path folder = dir != null ? dir : Files.createTempDirectory("scratchnet-cluster-");
        try (LoopbackCluster cluster = LoopbackCluster.on(LoopbackCluster.sparkHome(), port, folder)) {
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "scratchnet-cluster-stop")); // Ctrl-C, even while starting
            cluster.start(workers, cores, memory, 60);
            out.printf("Spark master: %s with %d workers of %d core(s) and %s; logs in %s%n", cluster.masterUrl(),
                    workers, cores, memory, folder);
            out.println("Try: ./scratchnet train --spark " + cluster.masterUrl() + " --workers " + workers * cores
                    + "   Press Enter (or Ctrl-C) to stop the cluster.");
            out.flush();
            if (System.in.read() < 0) { // no terminal (a pipe or /dev/null): run until stopped by a signal
                new java.util.concurrent.CountDownLatch(1).await();
            }
        }
        return 0;
    }
}
