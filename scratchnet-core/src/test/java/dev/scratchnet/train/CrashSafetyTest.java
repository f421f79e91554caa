package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Parameter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM writing a large model and then a checkpoint ({@link CrashWriter}) is killed with SIGKILL at
 * chosen points, inside the writes included (AtomicFile's {@code scratchnet.atomic.pause} hook holds it
 * there). After every kill each file is exactly the last complete version (every weight of it); every
 * temporary file left belongs to a killed writer, and the next complete write of the same file removes it;
 * after a last complete run none remains.
 * {@code -Dscratchnet.crash.points=N} runs N kill points (default 22).
 */
class CrashSafetyTest {

    @TempDir
    Path dir;

    @Test
    void everyKillLeavesTheLastCompleteFileAndNoTemporaryFileOutlivesTheNextWrite() throws Exception {
        List<String> points = points(Integer.getInteger("scratchnet.crash.points", 22));
        run(0, null);
        int model = 0;
        int checkpoint = 0;
        int version = 1;
        List<String> killed = new ArrayList<>();
        for (String point : points) {
            killed.add("." + run(version, point) + ".");
            boolean inCheckpoint = point.startsWith("checkpoint.safetensors:");
            model = inCheckpoint || point.endsWith(":renamed") ? version : model;
            checkpoint = inCheckpoint && point.endsWith(":renamed") ? version : checkpoint;
            assertThat(versionOf("model.safetensors")).as("model after a kill at %s", point).isEqualTo(model);
            assertThat(versionOf("checkpoint.safetensors")).as("checkpoint after a kill at %s", point).isEqualTo(checkpoint);
            for (Path tmp : temporaryFiles()) {
                String name = tmp.getFileName().toString();
                assertThat(killed).as("%s after a kill at %s belongs to a killed writer", name, point)
                        .anyMatch(name::contains);
                // a complete write of a file sweeps every earlier temporary file of it
                assertThat(inCheckpoint && name.startsWith(".model.")).as("%s after a kill at %s", name, point).isFalse();
                assertThat(point.equals("checkpoint.safetensors:renamed")).as("%s after a kill at %s", name, point)
                        .isFalse();
            }
            version++;
        }
        run(version, null);
        assertThat(versionOf("model.safetensors")).isEqualTo(version);
        assertThat(versionOf("checkpoint.safetensors")).isEqualTo(version);
        assertThat(temporaryFiles()).as("temporary files after a complete write").isEmpty();
        System.out.println("CrashSafetyTest: " + points.size() + " kill points passed");
    }

    /**
     * n kill points: every stage of both files (created, written, synced, renamed) first, then the chunks of
     * 1 MiB inside their writes (23 MB each), spread evenly; beyond all of them, round again.
     */
    private static List<String> points(int n) {
        List<String> stages = new ArrayList<>();
        List<String> chunks = new ArrayList<>();
        for (String file : List.of("model.safetensors", "checkpoint.safetensors")) {
            for (String stage : List.of("created", "written", "synced", "renamed")) {
                stages.add(file + ":" + stage);
            }
            for (int chunk = 1; chunk <= 20; chunk++) {
                chunks.add(file + ":chunk-" + chunk);
            }
        }
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int round = i % (stages.size() + chunks.size());
            int inChunks = Math.min(chunks.size(), Math.max(1, n - stages.size()));
            chosen.add(round < stages.size() ? stages.get(round)
                    : chunks.get((int) ((long) (round - stages.size()) * chunks.size() / inChunks) % chunks.size()));
        }
        return chosen;
    }

    /** Runs the child; with a pause point, kills it with SIGKILL once it has paused there. Returns its pid. */
    private long run(int version, String pause) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path")));
        if (pause != null) {
            command.add("-Dscratchnet.atomic.pause=" + pause);
        }
        command.addAll(List.of(CrashWriter.class.getName(), dir.toString(), String.valueOf(version)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String expected = pause == null ? "done" : "paused " + pause;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals(expected)) {
                // the child's other output, if any
            }
            assertThat(line).as("the child's signal for %s", pause).isEqualTo(expected);
            if (pause != null) {
                child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        return child.pid();
    }

    /** The version every weight of the file holds (a mix would be a torn write). */
    private int versionOf(String name) {
        List<Parameter> parameters = ModelFile.load(dir.resolve(name)).network().parameters();
        float version = parameters.get(0).values()[0];
        for (Parameter p : parameters) {
            for (float v : p.values()) {
                if (v != version) {
                    throw new AssertionError(name + " mixes versions " + version + " and " + v + " in " + p.name());
                }
            }
        }
        return (int) version;
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
