package dev.scratchnet.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on 127.0.0.1: a master and workers as separate JVMs
 * ({@code org.apache.spark.deploy.master.Master} and {@code ...worker.Worker}) from the Spark jars this module
 * was built with, each worker with its own cores and memory, all on the JDK running this. Their logs and
 * the executors' work folders are under {@link #dir()}.
 */
final class LoopbackCluster implements AutoCloseable {

    private static final Pattern ALIVE = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    private final Path sparkHome;
    private final Path dir;
    private final int port;
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    private LoopbackCluster(Path sparkHome, Path dir, int port) {
        this.sparkHome = sparkHome;
        this.dir = dir;
        this.port = port;
    }

    /** A cluster not yet started, whose master will listen on {@code port} (0: a free one). */
    static LoopbackCluster on(Path sparkHome, int port, Path dir) throws IOException {
        return new LoopbackCluster(sparkHome, dir, port == 0 ? freePort() : port);
    }

    /** Starts the master and the workers; returns once all workers have registered. */
    static LoopbackCluster start(Path sparkHome, int workers, int cores, String memory, int port, Path dir,
                                 int timeoutSeconds) throws IOException, InterruptedException {
        return on(sparkHome, port, dir).start(workers, cores, memory, timeoutSeconds);
    }

    /** Starts the master and the workers from the Spark jars in {@code sparkHome/jars}; stops them all on failure. */
    LoopbackCluster start(int workers, int cores, String memory, int timeoutSeconds)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int uiPort = freePort();
        try {
            spawn("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--webui-port", Integer.toString(uiPort));
            for (int w = 1; w <= workers; w++) {
                spawn("worker-" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", Integer.toString(cores), "--memory", memory, "--webui-port", "0",
                        "--work-dir", dir.resolve("worker-" + w).toString(), masterUrl());
            }
            awaitWorkers(uiPort, workers, timeoutSeconds);
            return this;
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    private synchronized void spawn(String name, String mainClass, String... args) throws IOException {
        if (closed) {
            throw new IOException("the cluster was stopped while starting");
        }
        Path jars = sparkHome.resolve("jars");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-XX:+UseSerialGC"));
        command.addAll(List.of(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()));
        command.addAll(List.of("-cp", jars + "/*", mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString()); // executors' class path: $SPARK_HOME/jars
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("JAVA_HOME", Path.of(javaBinary()).getParent().getParent().toString()); // executors on this JDK
        processes.add(builder.start());
    }

    private void awaitWorkers(int uiPort, int workers, int timeoutSeconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        int alive = 0;
        while (System.nanoTime() < deadline) {
            for (Process p : running()) {
                if (!p.isAlive()) {
                    throw new IOException("a Spark process of the cluster exited (status " + p.exitValue() + "); see the logs in " + dir);
                }
            }
            alive = aliveWorkers(uiPort);
            if (alive >= workers) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException(alive + " of " + workers + " workers registered in " + timeoutSeconds + " s; see the logs in " + dir);
    }

    /** The processes started so far; an error once the cluster is being stopped (Ctrl-C while starting). */
    private synchronized List<Process> running() throws IOException {
        if (closed) {
            throw new IOException("the cluster was stopped while starting");
        }
        return List.copyOf(processes);
    }

    private static int aliveWorkers(int uiPort) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + uiPort + "/json/").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try (InputStream in = c.getInputStream()) {
                Matcher m = ALIVE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                return m.find() ? Integer.parseInt(m.group(1)) : 0;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return 0; // not up yet
        }
    }

    /** The folder holding {@code jars/} with Spark's jars, when this class path's Spark came from one (the launcher's). */
    static Path sparkHome() {
        try {
            Path jar = Path.of(org.apache.spark.SparkContext.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the workers (and the executors they started), then the master, and waits for them; once. */
    @Override
    public synchronized void close() {
        closed = true;
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
        processes.clear();
    }
}
