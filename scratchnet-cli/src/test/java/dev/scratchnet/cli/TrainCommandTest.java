package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    private static final List<String> TIMING_KEYS = List.of("seconds", "examples_per_second", "total_seconds");

    @TempDir
    Path dir;
    Path data;

    @BeforeEach
    void data() throws IOException {
        data = SyntheticDigits.write(dir.resolve("data"), 1200, 200, 5);
    }

    private Cli train(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--validation", "200",
                "--layers", "784,16,10", "--epochs", "3", "--batch", "20"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void trainsSavesAndWritesOneMetricsLinePerEpochThenAFinalLine() throws IOException {
        Path model = dir.resolve("m.safetensors");
        Path metrics = dir.resolve("metrics.jsonl");
        Cli run = train("--save", model.toString(), "--metrics", metrics.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("epoch  1/3", "validation", "Saved " + model, "Next: ./scratchnet evaluate");

        List<Map<String, Object>> lines = lines(metrics);
        assertThat(lines).hasSize(4);
        for (int e = 0; e < 3; e++) {
            assertThat(lines.get(e)).containsKeys("epoch", "train_cost", "validation_accuracy", "test_accuracy", "seconds")
                    .containsEntry("epoch", (long) e + 1);
            assertThat(((Number) lines.get(e).get("test_accuracy")).doubleValue()).isBetween(0.0, 1.0);
        }
        Map<String, Object> last = lines.get(3);
        assertThat(last).containsEntry("final", true);
        double finalAccuracy = ((Number) last.get("test_accuracy")).doubleValue();
        assertThat(finalAccuracy).as("the synthetic classes are easy").isGreaterThan(0.9);
        ModelFile.Model saved = ModelFile.load(model);
        assertThat(saved.info().testAccuracy()).isEqualTo(finalAccuracy);
        assertThat(saved.info().training()).containsEntry("preset", "custom").containsEntry("layers", "784,16,10");
    }

    @Test
    void withoutValidationNothingUsesIt() throws IOException {
        Path metrics = dir.resolve("m.jsonl");
        Cli run = Cli.run("train", "--data", data.toString(), "--validation", "0", "--layers", "784,8,10",
                "--epochs", "1", "--save", dir.resolve("x.safetensors").toString(), "--metrics", metrics.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("1,200 training, 0 validation");
        assertThat(lines(metrics).get(0)).doesNotContainKey("validation_accuracy");
    }

    @Test
    void theSameSeedAndThreadCountGiveIdenticalMetricsTimingAside() throws IOException {
        List<Map<String, Object>> a = runForMetrics("a", "--seed", "7", "--threads", "2");
        List<Map<String, Object>> b = runForMetrics("b", "--seed", "7", "--threads", "2");
        assertThat(withoutTiming(b)).isEqualTo(withoutTiming(a));
        List<Map<String, Object>> c = runForMetrics("c", "--seed", "8", "--threads", "2");
        assertThat(withoutTiming(c)).as("another seed trains differently").isNotEqualTo(withoutTiming(a));
        List<Map<String, Object>> single = runForMetrics("d", "--seed", "7", "--threads", "1");
        assertThat(withoutTiming(single)).as("by design the thread count does not change results either")
                .isEqualTo(withoutTiming(a));
    }

    @Test
    void modernOptionsTrainAndMonitoringAddsItsKeys() throws IOException {
        Path metrics = dir.resolve("modern.jsonl");
        Cli run = train("--optimizer", "adam", "--eta", "0.005", "--dropout", "0.2", "--l2", "1", "--schedule", "cosine",
                "--init", "he", "--activation", "relu", "--augment", "elastic", "--monitor", "--save", dir.resolve("modern.safetensors").toString(),
                "--metrics", metrics.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        List<Map<String, Object>> lines = lines(metrics);
        assertThat(lines.get(0)).containsKeys("train_accuracy", "validation_cost", "learning_rate");
        assertThat((Double) lines.get(0).get("learning_rate")).isEqualTo(0.005, org.assertj.core.data.Offset.offset(1e-9));
        assertThat((Double) lines.get(2).get("learning_rate")).as("cosine: ½η(1 + cos(2π/3))").isCloseTo(0.00125,
                org.assertj.core.data.Offset.offset(1e-7));
        assertThat((Double) lines.get(3).get("test_accuracy")).isGreaterThan(0.9);
        Map<String, Object> training = ModelFile.load(dir.resolve("modern.safetensors")).info().training();
        assertThat(training).containsEntry("optimizer", "adam").containsEntry("schedule", "cosine")
                .containsEntry("init", "he").containsEntry("augment", "elastic");
    }

    @Test
    void resumingFromACheckpointWritesTheSameMetricsAsAnUninterruptedRun() throws IOException {
        Path ck = dir.resolve("run.ckpt");
        List<String> common = List.of("train", "--data", data.toString(), "--validation", "200", "--layers", "784,16,10",
                "--batch", "20", "--optimizer", "momentum", "--dropout", "0.1", "--augment", "shift");
        Cli full = run(common, "--epochs", "4", "--metrics", dir.resolve("full.jsonl").toString(),
                "--save", dir.resolve("full.safetensors").toString());
        Cli first = run(common, "--epochs", "2", "--checkpoint", ck.toString(),
                "--save", dir.resolve("half.safetensors").toString());
        Cli rest = run(common, "--epochs", "4", "--resume", ck.toString(), "--metrics", dir.resolve("resumed.jsonl").toString(),
                "--save", dir.resolve("resumed.safetensors").toString());
        for (Cli c : List.of(full, first, rest)) {
            assertThat(c.exit()).as(c.err()).isZero();
        }
        assertThat(rest.out()).contains("Resuming after epoch 2");
        assertThat(rest.err()).doesNotContain("warning");
        assertThat(withoutTiming(lines(dir.resolve("resumed.jsonl")))).isEqualTo(withoutTiming(lines(dir.resolve("full.jsonl"))));
        List<String> unsaid = new ArrayList<>(common); // --validation left out: the checkpoint's own 200, as its seed
        unsaid.subList(3, 5).clear();
        Cli again = run(unsaid, "--epochs", "4", "--resume", ck.toString(), "--metrics", dir.resolve("again.jsonl").toString(),
                "--save", dir.resolve("again.safetensors").toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("warning");
        Cli changed = run(common, "--epochs", "3", "--l2", "5", "--resume", ck.toString(),
                "--save", dir.resolve("changed.safetensors").toString());
        assertThat(changed.exit()).as(changed.err()).isZero();
        assertThat(changed.err()).contains("scratchnet: warning: resuming with other training than the checkpoint's: l2 0.0 → 5.0 (");
        assertThat(withoutTiming(lines(dir.resolve("again.jsonl")))).isEqualTo(withoutTiming(lines(dir.resolve("full.jsonl"))));
        assertThat(ModelFile.load(dir.resolve("resumed.safetensors")).network().parameter("layers.0.weight").values())
                .containsExactly(ModelFile.load(dir.resolve("full.safetensors")).network().parameter("layers.0.weight").values());
    }

    private static Cli run(List<String> common, String... extra) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void aPresetWithOverridesKeepsItsOtherValues() {
        SetupOptions cmd = new SetupOptions();
        cmd.preset = "book-ch1";
        cmd.eta = 1.5f;
        var setup = cmd.resolve(10_000);
        assertThat(setup.training().learningRate()).isEqualTo(1.5f);
        assertThat(setup.training().cost().id()).isEqualTo("quadratic");
        assertThat(setup.init().id()).isEqualTo("normal");

        SetupOptions plain = new SetupOptions();
        plain.layers = "784,100,10";
        plain.batch = 128;
        var custom = plain.resolve(10_000);
        assertThat(custom.name()).isEqualTo("custom");
        assertThat(custom.training().learningRate()).isEqualTo(0.5f);
        assertThat(custom.hidden().id()).isEqualTo("sigmoid");
        assertThat(custom.output().id()).isEqualTo("softmax");
        assertThat(custom.training().epochs()).isEqualTo(30);
        assertThat(custom.training().batchSize()).isEqualTo(128);
        assertThat(custom.training().plainSgd()).isTrue();

        Cli run = Cli.run("train", "--data", data.toString(), "--validation", "200", "--epochs", "1", "--seed", "3",
                "--save", dir.resolve("d.safetensors").toString(), "--help");
        assertThat(new SetupOptions().resolve(10_000).name()).as("no model flag: the default preset").isEqualTo("default");
        assertThat(run.exit()).isZero();
    }

    /** evaluate's validation and train splits are the model's own: the images it held out, and the rest. */
    @Test
    void aModelRecordsTheImagesItHeldOutAndEvaluateSplitsByThem() {
        Path all = dir.resolve("all.safetensors");
        Cli none = Cli.run("train", "--data", data.toString(), "--validation", "0", "--layers", "784,8,10",
                "--epochs", "1", "--save", all.toString());
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(ModelFile.load(all).info().training()).containsEntry("validation", 0L);
        Cli refused = Cli.run("evaluate", "--model", all.toString(), "--data", data.toString(), "--split", "validation");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err().strip()).doesNotContain("\n").contains("held out no validation images", "--split test");
        Cli train = Cli.run("evaluate", "--model", all.toString(), "--data", data.toString(), "--split", "train");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("1,200");

        Path some = dir.resolve("some.safetensors");
        Cli held = Cli.run("train", "--data", data.toString(), "--validation", "300", "--layers", "784,8,10",
                "--epochs", "1", "--save", some.toString());
        assertThat(held.exit()).as(held.err()).isZero();
        Cli validation = Cli.run("evaluate", "--model", some.toString(), "--data", data.toString(), "--split",
                "validation");
        assertThat(validation.exit()).as(validation.err()).isZero();
        assertThat(validation.out()).contains("300").doesNotContain("1,200");
    }

    private List<Map<String, Object>> runForMetrics(String name, String... extra) throws IOException {
        Path metrics = dir.resolve(name + ".jsonl");
        List<String> args = new ArrayList<>(List.of("--save", dir.resolve(name + ".safetensors").toString(),
                "--metrics", metrics.toString()));
        args.addAll(List.of(extra));
        Cli run = train(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        return lines(metrics);
    }

    static List<Map<String, Object>> lines(Path metrics) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) Json.parse(line);
            out.add(map);
        }
        return out;
    }

    private static List<Map<Object, Object>> withoutTiming(List<Map<String, Object>> lines) {
        List<Map<Object, Object>> out = new ArrayList<>();
        for (Map<String, Object> line : lines) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>(line);
            TIMING_KEYS.forEach(copy::remove);
            out.add(copy);
        }
        return out;
    }

    @Test
    void aFirstEpochNearChanceGetsOneWarningLine() {
        java.io.StringWriter err = new java.io.StringWriter();
        var warning = Listeners.chanceWarning(new java.io.PrintWriter(err, true), 10, 1e30f);
        warning.onEpoch(epoch(1, 0.9));
        assertThat(err.toString()).as("a learning run").isEmpty();
        warning.onEpoch(epoch(2, 0.1));
        assertThat(err.toString()).as("only the first epoch is judged").isEmpty();
        warning.onEpoch(epoch(1, 0.098));
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .startsWith("scratchnet: warning: after epoch 1 the validation accuracy is 9.80%")
                .contains("try a smaller --eta (now 1.0E30)");
    }

    private static dev.scratchnet.train.EpochMetrics epoch(int n, double validation) {
        return new dev.scratchnet.train.EpochMetrics(n, 1.0, java.util.OptionalDouble.of(validation), validation, 1.0,
                100, 0.1, java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty());
    }
}
