package dev.scratchnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.cli.SyntheticDigits;
import dev.scratchnet.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1 (a master and two workers, each its own JVM), and the
 * packaged launcher submitting a training and a sweep to it as a user does. Runs after packaging
 * (failsafe): the executors load our jars.
 */
class LoopbackClusterIT {

    @TempDir
    static Path tmp;
    private static Path data;
    private static LoopbackCluster cluster;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        data = SyntheticDigits.write(tmp.resolve("data"), 1200, 300, 4);
        cluster = LoopbackCluster.start(Path.of("target/spark-home").toAbsolutePath(), 2, 1, "1g", 0,
                tmp.resolve("cluster"), 90);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** ./scratchnet with these arguments; its exit status and what it printed (both streams). */
    private static Run launch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of("../scratchnet").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "launch", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("./scratchnet " + String.join(" ", args) + " still running after 5 minutes:\n"
                    + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private record Run(int exit, String output) {
    }

    @Test
    void trainsByParameterAveragingOnTheClustersTwoWorkers() throws Exception {
        Path metrics = tmp.resolve("train.jsonl");
        Run run = launch("train", "--spark", cluster.masterUrl(), "--workers", "2", "--average-every", "8",
                "--data", data.toString(), "--layers", "784,30,10", "--activation", "sigmoid", "--eta", "1.0",
                "--epochs", "2", "--validation", "200", "--save", tmp.resolve("train.safetensors").toString(),
                "--metrics", metrics.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("Spark: 2 shards of 500 to 500 images cached on the executors")
                .containsPattern("Spark: \\d+ rounds; per round [0-9.]+ MB to the 2 workers");
        List<String> lines = Files.readAllLines(metrics);
        Map<?, ?> last = (Map<?, ?>) Json.parse(lines.get(lines.size() - 1));
        assertThat(((Number) last.get("test_accuracy")).doubleValue()).isGreaterThan(0.9);
        // both workers' executors ran tasks
        try (var logs = Files.walk(cluster.dir())) {
            assertThat(logs.filter(p -> p.getFileName().toString().equals("stderr")).filter(p -> {
                try {
                    return Files.readString(p).contains("Running task");
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> p.toString().contains("worker-1") ? 1 : 2).distinct()).containsExactlyInAnyOrder(1, 2);
        }
    }

    @Test
    void ctrlCStopsAClusterRunAfterItsRoundAndSavesWhatWasTrained() throws Exception {
        Path model = tmp.resolve("stopped.safetensors");
        Path metrics = tmp.resolve("stopped.jsonl");
        Path log = tmp.resolve("stopped.log");
        Process p = new ProcessBuilder(Path.of("../scratchnet").toAbsolutePath().toString(), "train", "--spark",
                cluster.masterUrl(), "--data", data.toString(), "--layers", "784,30,10", "--activation", "sigmoid",
                "--eta", "1.0", "--epochs", "1000", "--validation", "200", "--save", model.toString(),
                "--metrics", metrics.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(metrics) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100); // the first epoch is written
        }
        assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(Files.readString(log)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(130);
        assertThat(Files.readString(log)).contains("Stopped after").doesNotContain("internal error");
        assertThat(model).exists();
        List<String> lines = Files.readAllLines(metrics);
        assertThat(lines.get(lines.size() - 1)).contains("\"final\":true");
    }

    @Test
    void sweepsOnTheCluster() throws Exception {
        Path out = tmp.resolve("sweep");
        Run run = launch("sweep", "--spark", cluster.masterUrl(), "--preset", "book-ch1", "--grid", "eta=0.5,3.0",
                "--epochs", "1", "--validation", "200", "--data", data.toString(), "--out", out.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("Sweep of 2 runs (0 finished before, 2 to train)");
        assertThat(Files.readAllLines(out.resolve("summary.csv"))).hasSize(3);
        assertThat(out.resolve("runs/eta=3.0_seed=1/model.safetensors")).exists();
    }
}
