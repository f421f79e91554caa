package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A conv net through every command: train (reproducibly), evaluate, predict, ensemble, resume. */
class ConvCommandsTest {

    private static final String LAYERS = "1x28x28,conv5x5:4,maxpool2,conv3x3:6:p1,maxpool2,10";

    @TempDir
    Path dir;
    Path data;

    @BeforeEach
    void data() throws IOException {
        data = SyntheticDigits.write(dir.resolve("data"), 600, 100, 7);
    }

    private Cli train(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--validation", "100",
                "--layers", LAYERS, "--activation", "relu", "--eta", "0.05", "--batch", "10",
                "--save", dir.resolve(name + ".safetensors").toString(),
                "--metrics", dir.resolve(name + ".jsonl").toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private List<Map<Object, Object>> metrics(String name) throws IOException {
        List<Map<Object, Object>> out = new ArrayList<>();
        for (Map<String, Object> line : TrainCommandTest.lines(dir.resolve(name + ".jsonl"))) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>(line);
            List.of("seconds", "examples_per_second", "total_seconds").forEach(copy::remove);
            out.add(copy);
        }
        return out;
    }

    @Test
    void twoSeededRunsWriteTheSameMetricsAndTheModelWorksEverywhere() throws IOException {
        assertThat(train("a", "--epochs", "2").exit()).isZero();
        Cli b = train("b", "--epochs", "2");
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(metrics("a")).isEqualTo(metrics("b"));
        double accuracy = ((Number) TrainCommandTest.lines(dir.resolve("a.jsonl")).get(2).get("test_accuracy")).doubleValue();
        assertThat(accuracy).as("the synthetic classes are easy").isGreaterThan(0.9);

        ModelFile.Model model = ModelFile.load(dir.resolve("a.safetensors"));
        assertThat(model.network().architecture().text()).isEqualTo(LAYERS);
        assertThat(model.network().parameter("layers.0.weight").shape()).containsExactly(4, 1, 5, 5);
        assertThat(model.network().parameter("layers.2.weight").shape()).containsExactly(6, 4, 3, 3);

        Cli evaluate = Cli.run("evaluate", "--model", dir.resolve("a.safetensors").toString(), "--data", data.toString());
        assertThat(evaluate.exit()).as(evaluate.err() + evaluate.out()).isZero();
        assertThat(evaluate.out()).contains(String.format(java.util.Locale.ROOT, "Accuracy: %.2f%%", 100 * accuracy));

        assertThat(train("c", "--epochs", "2", "--seed", "2").exit()).isZero();
        Cli ensemble = Cli.run("ensemble", "--model", dir.resolve("a.safetensors").toString(), "--model",
                dir.resolve("c.safetensors").toString(), "--data", data.toString());
        assertThat(ensemble.exit()).as(ensemble.err()).isZero();
        assertThat(ensemble.out()).contains("model 1: ", "model 2: ", "Vote: plurality", "ensemble: ", "Still wrong");
        Cli mean = Cli.run("ensemble", "--vote", "mean", "--model", dir.resolve("a.safetensors").toString(), "--model",
                dir.resolve("c.safetensors").toString(), "--data", data.toString());
        assertThat(mean.exit()).as(mean.err()).isZero();
        assertThat(mean.out()).contains("Vote: mean", "ensemble: ");
        Cli bad = Cli.run("ensemble", "--vote", "soft", "--model", dir.resolve("a.safetensors").toString(), "--data",
                data.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.errLines()).hasSize(1);
        assertThat(bad.err()).contains("unknown vote 'soft'", "plurality, mean");

        Path image = dir.resolve("digit.png");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 28, 28);
        g.setColor(Color.BLACK);
        g.fillRect(12, 4, 4, 20);
        g.dispose();
        ImageIO.write(img, "png", image.toFile());
        Cli predict = Cli.run("predict", "--json", "--model", dir.resolve("a.safetensors").toString(), "--model",
                dir.resolve("c.safetensors").toString(), image.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        Map<?, ?> answer = (Map<?, ?>) Json.parse(predict.out().strip());
        assertThat((List<?>) answer.get("digits")).hasSize(2);
    }

    @Test
    void anEnsembleOfDifferentInputsIsRefusedWithOneLine() {
        assertThat(train("conv", "--epochs", "1").exit()).isZero();
        Cli mlp = Cli.run("train", "--data", data.toString(), "--validation", "100", "--layers", "784,8,10", "--epochs",
                "1", "--save", dir.resolve("mlp.safetensors").toString());
        assertThat(mlp.exit()).isZero();
        Cli run = Cli.run("ensemble", "--model", dir.resolve("conv.safetensors").toString(), "--model",
                dir.resolve("mlp.safetensors").toString(), "--data", data.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("must take the same input");
    }

    @Test
    void aConvRunResumedFromItsCheckpointEqualsTheUninterruptedRun() throws IOException {
        Path ck = dir.resolve("conv.ckpt");
        assertThat(train("full", "--epochs", "3", "--optimizer", "momentum", "--dropout", "0.2").exit()).isZero();
        assertThat(train("half", "--epochs", "1", "--optimizer", "momentum", "--dropout", "0.2", "--checkpoint",
                ck.toString()).exit()).isZero();
        Cli rest = train("resumed", "--epochs", "3", "--optimizer", "momentum", "--dropout", "0.2", "--resume", ck.toString());
        assertThat(rest.exit()).as(rest.err()).isZero();
        assertThat(rest.out()).contains("Resuming after epoch 1");
        assertThat(metrics("resumed")).isEqualTo(metrics("full"));
        assertThat(ModelFile.load(dir.resolve("resumed.safetensors")).network().parameter("layers.2.weight").values())
                .containsExactly(ModelFile.load(dir.resolve("full.safetensors")).network().parameter("layers.2.weight").values());
    }

    /** book-ch6's kind of run: the expanded set, dropout and the fused plain-SGD step, reproducible and resumable. */
    @Test
    void anExpandedRunWithDropoutRerunsAndResumesIdentically() throws IOException {
        Path ck = dir.resolve("expand.ckpt");
        String[] setup = {"--augment", "expand", "--dropout", "0.5"};
        Cli full = train("full", concat(setup, "--epochs", "2"));
        assertThat(full.exit()).as(full.err()).isZero();
        assertThat(full.out()).contains("Augmentation: expand", "2,500 examples per epoch");
        assertThat(train("again", concat(setup, "--epochs", "2")).exit()).isZero();
        assertThat(metrics("again")).isEqualTo(metrics("full"));
        assertThat(((Number) metrics("full").get(0).get("examples")).intValue()).isEqualTo(2500); // 500 images × 5
        assertThat(train("half", concat(setup, "--epochs", "1", "--checkpoint", ck.toString())).exit()).isZero();
        Cli rest = train("resumed", concat(setup, "--epochs", "2", "--resume", ck.toString()));
        assertThat(rest.exit()).as(rest.err()).isZero();
        assertThat(metrics("resumed")).isEqualTo(metrics("full"));
    }

    private static String[] concat(String[] first, String... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
