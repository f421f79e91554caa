package dev.scratchnet.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Connecting to Spark: the master URL checked and reached before anything else (Spark's own client would
 * retry for a minute), our jars shipped to the executors, and a wait for the first executor so that a
 * master without free workers is an error, not a hang. {@code spark.*} system properties (for example
 * {@code -Dspark.executor.memory=4g} in SCRATCHNET_JAVA_OPTS) override the settings made here.
 */
final class SparkConnection {

    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?])?");
    private static final int CONNECT_MILLIS = 5_000;
    /** A master takes the application within this, or it is no master: within the 30 s a bad one may take. */
    static final int REGISTER_SECONDS = 20;
    /** A master that took the application starts its executors within this (JVMs starting on busy machines). */
    static final int EXECUTOR_WAIT_SECONDS = 120;
    /** Executors registering this long apart are taken as all there are. */
    private static final long QUIET_NANOS = 3_000_000_000L;

    private SparkConnection() {
    }

    /** A one-line error unless {@code master} is local[N] or a spark:// master that accepts connections. */
    static void check(String master) {
        if (LOCAL.matcher(master).matches()) {
            return;
        }
        if (!master.startsWith("spark://")) {
            throw new IllegalArgumentException("--spark takes local[N] or spark://HOST:PORT, got '" + master + "'");
        }
        List<InetSocketAddress> masters = addresses(master);
        String reason = "";
        for (InetSocketAddress address : masters) {
            if (address.isUnresolved()) {
                reason = "no host is named " + address.getHostString();
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(address, CONNECT_MILLIS);
                return;
            } catch (IOException e) {
                reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }
        throw new IllegalArgumentException("cannot reach the Spark master at " + master + " (" + reason
                + "); start it (./scratchnet cluster starts one on this machine) or correct --spark");
    }

    private static List<InetSocketAddress> addresses(String master) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            try {
                java.net.URI uri = new java.net.URI("spark://" + hostPort);
                if (uri.getHost() == null || uri.getPort() < 1) {
                    throw new URISyntaxException(hostPort, "no host and port");
                }
                out.add(new InetSocketAddress(uri.getHost(), uri.getPort()));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--spark " + master + ": '" + hostPort
                        + "' is not HOST:PORT; give spark://HOST:PORT");
            }
        }
        return out;
    }

    /**
     * A context on {@code master}; on a cluster, once {@code tasks} executors have registered (or at least one
     * and no more for 3 s), so that each of that many tasks can start on an executor of its own.
     */
    static JavaSparkContext connect(String master, String appName, int tasks) { // the caller has checked master
        long deadline = System.nanoTime() + REGISTER_SECONDS * 1_000_000_000L;
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        conf.setIfMissing("spark.ui.enabled", "false");
        // A round moves parameters, which do not compress, both ways: no compression, and results as direct
        // replies rather than a second fetch from the executor's block manager.
        conf.setIfMissing("spark.broadcast.compress", "false");
        conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
        if (loopback(master)) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        boolean cluster = !LOCAL.matcher(master).matches();
        if (cluster) {
            conf.setIfMissing("spark.jars", String.join(",", applicationJars()));
        }
        if (!cluster) {
            JavaSparkContext sc = new JavaSparkContext(conf);
            sc.setLogLevel("WARN");
            return sc;
        }
        JavaSparkContext sc = register(conf, master, deadline);
        try {
            awaitExecutors(sc, master, tasks, System.nanoTime() + EXECUTOR_WAIT_SECONDS * 1_000_000_000L);
        } catch (RuntimeException e) {
            sc.close();
            throw e;
        }
        return sc;
    }

    private static boolean loopback(String master) {
        return LOCAL.matcher(master).matches() || master.contains("://127.0.0.1:") || master.contains("://localhost:");
    }

    /** The jars that hold our classes (scratchnet.jar and scratchnet-spark.jar): executors load them. */
    static List<String> applicationJars() {
        List<String> jars = new ArrayList<>();
        for (Class<?> c : List.of(dev.scratchnet.cli.Main.class, SparkConnection.class)) {
            try {
                Path path = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (path.toString().endsWith(".jar") && !jars.contains(path.toString())) {
                    jars.add(path.toString());
                }
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                // not loaded from a jar: nothing to ship
            }
        }
        return jars;
    }

    /**
     * The context, created on a thread of its own: on a standalone master it blocks until the application is
     * registered, and Spark's client tries for a minute before it gives up on a port that is no master.
     */
    private static JavaSparkContext register(SparkConf conf, String master, long deadline) {
        java.util.concurrent.CompletableFuture<JavaSparkContext> created = new java.util.concurrent.CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                created.complete(new JavaSparkContext(conf));
            } catch (Throwable e) { // SparkException is checked, though Scala declares it nowhere
                created.completeExceptionally(e);
            }
        }, "scratchnet-spark-connect");
        starter.setDaemon(true);
        starter.start();
        try {
            JavaSparkContext sc = created.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            sc.setLogLevel("WARN");
            return sc;
        } catch (java.util.concurrent.TimeoutException e) {
            created.thenAccept(JavaSparkContext::close); // should it still come up
            throw new IllegalArgumentException("the Spark master at " + master + " did not take this application in "
                    + REGISTER_SECONDS + " s; is it a Spark master (its URL is spark://HOST:7077 by default)?");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalArgumentException("cannot start on the Spark master at " + master + ": " + reason(e));
        } catch (InterruptedException e) {
            created.thenAccept(JavaSparkContext::close);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Spark");
        }
    }

    private static void awaitExecutors(JavaSparkContext sc, String master, int tasks, long deadline) {
        long begin = System.nanoTime();
        long changed = begin;
        int seen = 0;
        while (true) {
            int executors = sc.statusTracker().getExecutorInfos().length - 1; // the driver is one of them
            long now = System.nanoTime();
            if (executors != seen) {
                seen = executors;
                changed = now;
            }
            if (seen >= tasks || seen > 0 && now - changed > QUIET_NANOS) {
                return;
            }
            if (now > deadline && seen > 0) {
                return; // fewer executors than tasks: train on what there is
            }
            if (sc.sc().isStopped() || now > deadline) {
                throw new IllegalArgumentException("the Spark master at " + master + " gave this run no executor in "
                        + EXECUTOR_WAIT_SECONDS + " s; have its workers free cores and memory (its web page lists them)?");
            }
            sleep(100);
        }
    }

    /** The first line of the innermost cause: what went wrong, without Spark's stack traces. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message).strip();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Spark's executors");
        }
    }
}
