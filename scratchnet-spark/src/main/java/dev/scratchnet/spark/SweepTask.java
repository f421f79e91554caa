package dev.scratchnet.spark;

import dev.scratchnet.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.Function;

/**
 * One sweep run on an executor: an ordinary {@code scratchnet train} with the run's flags, on one thread
 * (a task has one core), writing into a temporary folder; the metrics, the model and the log come back to
 * the driver as bytes, so executors need no shared file system.
 */
record SweepTask(List<String> trainArgs) implements Function<Grid.Run, SweepTask.Result> {

    /**
     * What a run hands back: its exit status, its output (progress redrawn in place kept as its last state),
     * its files (empty when it failed) and the temporary folder it ran in, which the log names.
     */
    record Result(String name, int exitCode, String log, byte[] metrics, byte[] model, double wallSeconds,
                  String workDir) implements java.io.Serializable {
    }

    @Override
    public Result call(Grid.Run run) throws IOException {
        Path dir = Files.createTempDirectory("scratchnet-sweep-");
        try {
            List<String> args = new ArrayList<>(trainArgs);
            args.addAll(List.of("--threads", "1",
                    "--save", dir.resolve("model.safetensors").toString(), "--metrics", dir.resolve("metrics.jsonl").toString()));
            StringWriter log = new StringWriter();
            long start = System.nanoTime();
            int code;
            try (PrintWriter out = new PrintWriter(log, true)) {
                code = Main.run(out, out, args.toArray(String[]::new));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (shuttingDown()) { // the executor is being stopped: the run was cut short, whatever it says
                code = 130;
            }
            String text = "$ scratchnet " + String.join(" ", args) + "\n" + withoutRedraws(log.toString());
            if (code != 0) {
                return new Result(run.name(), code, text, new byte[0], new byte[0], seconds, dir.toString());
            }
            return new Result(run.name(), 0, text, Files.readAllBytes(dir.resolve("metrics.jsonl")),
                    Files.readAllBytes(dir.resolve("model.safetensors")), seconds, dir.toString());
        } finally {
            delete(dir);
        }
    }

    /** Each line as it was last drawn: a progress bar redraws itself after '\r' and clears with ESC [K. */
    static String withoutRedraws(String log) {
        StringBuilder out = new StringBuilder();
        for (String line : log.split("\n")) { // not lines(): it splits at '\r' too
            out.append(line.substring(line.lastIndexOf('\r') + 1).replaceAll("\u001B\\[[0-9;]*[A-Za-z]", ""))
                    .append('\n');
        }
        return out.toString();
    }

    /** Whether this JVM is shutting down (a hook can no longer be added then). */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
