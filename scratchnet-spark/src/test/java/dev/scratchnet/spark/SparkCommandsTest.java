package dev.scratchnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.cli.SyntheticDigits;
import dev.scratchnet.io.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --spark and sweep in local[2] on synthetic digits, as a user runs them; and their bad input. */
class SparkCommandsTest {

    @TempDir
    static Path tmp;
    private static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = SyntheticDigits.write(tmp.resolve("data"), 1200, 300, 4);
    }

    private static SparkCli train(String name, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--layers", "784,30,10",
                "--activation", "sigmoid", "--eta", "1.0", "--validation", "200", "--threads", "1",
                "--save", tmp.resolve(name + ".safetensors").toString(), "--metrics", tmp.resolve(name + ".jsonl").toString()));
        args.addAll(List.of(more));
        if (!args.contains("--epochs")) {
            args.addAll(List.of("--epochs", "2"));
        }
        return SparkCli.run(args.toArray(String[]::new));
    }

    /** The metrics file without the keys that measure time. */
    private static List<Object> metrics(String name) throws IOException {
        return Files.readAllLines(tmp.resolve(name + ".jsonl")).stream().map(line -> {
            Map<?, ?> m = new java.util.LinkedHashMap<>((Map<?, ?>) Json.parse(line));
            Stream.of("seconds", "examples_per_second", "total_seconds").forEach(m::remove);
            return (Object) m;
        }).toList();
    }

    @Test
    void trainOnSparkLearnsAndTwoRunsWithTheSameSeedWriteTheSameMetrics() throws IOException {
        SparkCli first = train("a", "--spark", "local[2]", "--workers", "2", "--average-every", "4", "--seed", "3");
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("Spark: master local[2], 2 workers, averaging every 4 mini-batches")
                .contains("Spark: 2 shards of 500 to 500 images").containsPattern("Spark: \\d+ rounds; per round");
        SparkCli second = train("b", "--spark", "local[2]", "--workers", "2", "--average-every", "4", "--seed", "3");
        assertThat(second.exit()).isZero();
        assertThat(metrics("b")).isEqualTo(metrics("a")).hasSize(3);
        Map<?, ?> last = (Map<?, ?>) metrics("a").get(2);
        assertThat(((Number) last.get("test_accuracy")).doubleValue()).isGreaterThan(0.9);
        assertThat(tmp.resolve("a.safetensors")).exists();
        SparkCli other = train("c", "--spark", "local[2]", "--workers", "3", "--average-every", "4", "--seed", "3");
        assertThat(other.exit()).isZero();
        assertThat(metrics("c")).isNotEqualTo(metrics("a"));
    }

    @Test
    void aSparkRunResumedFromItsCheckpointEqualsTheUninterruptedRun() throws IOException {
        assertThat(train("whole", "--spark", "local[2]", "--epochs", "3", "--seed", "7").exit()).isZero();
        Path checkpoint = tmp.resolve("part.ckpt");
        assertThat(train("part", "--spark", "local[2]", "--epochs", "2", "--seed", "7", "--checkpoint",
                checkpoint.toString()).exit()).isZero();
        assertOneLine(train("part", "--spark", "local[2]", "--workers", "3", "--epochs", "3", "--resume",
                checkpoint.toString()), "the checkpoint was trained with --workers 2 --average-every 5");
        assertOneLine(train("part", "--epochs", "3", "--resume", checkpoint.toString()),
                "the checkpoint was trained with --spark");
        assertOneLine(train("part", "--spark", "local[2]", "--epochs", "3", "--seed", "8", "--resume",
                checkpoint.toString()), "the checkpoint was trained with --seed 7");
        // without --seed: the shards and shuffles follow the checkpoint's own seed
        SparkCli resumed = train("part", "--spark", "local[2]", "--epochs", "3", "--resume", checkpoint.toString());
        assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("Resuming after epoch 2").contains("seed 7");
        assertThat(metrics("part")).isEqualTo(metrics("whole"));
    }

    @Test
    void badScaleOutFlagsGetOneLineAndExitNonZero() throws IOException {
        assertOneLine(train("x", "--spark", "local[2]", "--workers", "0"), "--workers must be at least 1, got 0");
        assertOneLine(train("x", "--workers", "2"), "--workers needs --spark MASTER");
        assertOneLine(train("x", "--spark", "local[2]", "--average-every", "0"), "--average-every must be at least 1");
        assertOneLine(train("x", "--spark", "yarn"), "--spark takes local[N] or spark://HOST:PORT, got 'yarn'");
        assertOneLine(train("x", "--spark", "spark://nohost.invalid:7077"), "(no host is named nohost.invalid)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        assertOneLine(train("x", "--spark", "spark://127.0.0.1:" + port), "cannot reach the Spark master at spark://127.0.0.1:"
                + port);
        assertThat(tmp.resolve("x.safetensors")).doesNotExist();
    }

    private static void assertOneLine(SparkCli run, String message) {
        assertThat(run.exit()).as(run.err()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("scratchnet: error: ").contains(message);
    }

    @Test
    void aSweepTrainsEveryRunTabulatesThemAndWhenRunAgainOnlyTheMissingOnes() throws IOException {
        Path out = tmp.resolve("sweep");
        String[] sweep = {"sweep", "--spark", "local[2]", "--preset", "book-ch1", "--grid", "eta=0.5,3.0",
            "--grid", "layers=784,20,10|784,40,10", "--epochs", "1", "--validation", "200", "--data", data.toString(), "--out", out.toString()};
        SparkCli first = SparkCli.run(sweep);
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("Sweep of 4 runs (0 finished before, 4 to train)");
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(csv.get(0)).isEqualTo("run,eta,layers,seed,best_validation_accuracy,final_test_accuracy,seconds");
        assertThat(csv).hasSize(5);
        assertThat(csv.get(1)).startsWith("eta=3.0_layers=784-");
        List<Double> validation = csv.subList(1, 5).stream().map(l -> { // from the end: the layers field holds commas
            String[] fields = l.split(",");
            return Double.parseDouble(fields[fields.length - 3]);
        }).toList();
        assertThat(validation).doesNotHaveDuplicates();
        assertThat(validation).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(Files.readString(out.resolve("summary.md"))).contains("| run | eta | layers | seed |");
        Path run = out.resolve("runs/eta=0.5_layers=784-40-10_seed=1");
        assertThat(run.resolve("model.safetensors")).exists();
        assertThat(Files.readString(run.resolve("train.log"))).contains("--eta=0.5", "--layers=784,40,10", "--seed 1");

        deleteTree(run); // as if the driver had been killed before this run came back, mid-way through saving it
        Path halfSaved = Files.createDirectories(out.resolve("runs/.eta=0.5_layers=784-40-10_seed=1.123"));
        Files.writeString(halfSaved.resolve("metrics.jsonl"), "{\"epoch\": 1");
        SparkCli again = SparkCli.run(sweep);
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("Sweep of 4 runs (3 finished before, 1 to train)")
                .contains("[1/1] eta=0.5_layers=784-40-10_seed=1");
        assertThat(halfSaved).doesNotExist();
        try (Stream<Path> runs = Files.list(out.resolve("runs"))) {
            assertThat(runs.map(p -> p.getFileName().toString())).hasSize(4).noneMatch(n -> n.startsWith("."));
        }
        // the run trained again has the same figures (one thread, the same seed); only the seconds differ
        assertThat(withoutSeconds(Files.readAllLines(out.resolve("summary.csv")))).isEqualTo(withoutSeconds(csv));
    }

    private static List<String> withoutSeconds(List<String> csv) {
        return csv.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @Test
    void aSweepDirectoryHoldsOneSetOfFlagsAndTheGridMaySweepThePreset() throws IOException {
        Path out = tmp.resolve("presets");
        String[] sweep = {"sweep", "--spark", "local[2]", "--grid", "preset=book-ch1,book-ch3", "--epochs", "1",
            "--validation", "200", "--data", data.toString(), "--out", out.toString()};
        SparkCli first = SparkCli.run(sweep);
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("summary.csv")).get(0)).startsWith("run,preset,seed,");
        assertThat(Files.readString(out.resolve("runs/preset=book-ch3_seed=1/args.txt"))).contains("--preset=book-ch3");
        sweep[6] = "2"; // --epochs 2 into the same folder: its runs were made with other flags
        assertOneLine(SparkCli.run(sweep), "was trained with other flags");
        assertOneLine(SparkCli.run("sweep", "--spark", "local[2]", "--grid", "epochs=1,2", "--epochs", "1",
                "--out", out.toString()), "--grid epochs and --epochs both set epochs");
    }

    @Test
    void badGridsGetOneLineBeforeAnythingRuns() {
        Path out = tmp.resolve("bad");
        assertOneLine(SparkCli.run("sweep", "--spark", "local[2]", "--grid", "learning=0.1", "--out", out.toString()),
                "unknown key 'learning'");
        assertOneLine(SparkCli.run("sweep", "--spark", "local[2]", "--grid", "eta=", "--out", out.toString()),
                "--grid eta=: no values");
        assertOneLine(SparkCli.run("sweep", "--spark", "local[2]", "--grid", "eta=0.1,fast", "--out", out.toString()),
                "run eta=fast_seed=1:");
        assertOneLine(SparkCli.run("sweep", "--spark", "local[2]", "--preset", "nope", "--grid", "eta=0.1",
                "--out", out.toString()), "unknown preset 'nope'");
        assertOneLine(SparkCli.run("sweep", "--spark", "local[2]", "--grid", "layers=784,conv5x5:20,10|784,20,10",
                "--out", out.toString()), "run layers=784-conv5x5-20-10_seed=1:");
        assertOneLine(SparkCli.run("sweep", "--spark", "spark://127.0.0.1:1", "--grid", "eta=0.1",
                "--out", out.toString()), "cannot reach the Spark master");
        assertThat(out).doesNotExist();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
