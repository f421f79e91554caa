package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelFormatException;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped after epoch 3 and resumed from its checkpoint file matches the uninterrupted run exactly. */
class CheckpointTest {

    @TempDir
    Path dir;

    private static final Architecture ARCH = Architecture.of(List.of(64, 24, 10), Activation.RELU, Activation.SOFTMAX);
    private static final int EPOCHS = 6;
    private static final int BATCH = 20;

    /** Adam, dropout, elastic augmentation and a cosine schedule: every piece of state a resume must carry. */
    private static final TrainConfig CONFIG = new TrainConfig(EPOCHS, BATCH, 0.01f, Cost.CROSS_ENTROPY).withOptimizer(new Optimizer.Config(Optimizer.Kind.ADAM, 0.9f, 0.9f, 0.999f)).withL2(0.5f).withDropout(0.2f).withClipNorm(5f).withSchedule(new Schedule(Schedule.Kind.COSINE, 10, 0.5f, 10, 7)).withAugmentation(Augmentation.ELASTIC);

    private static Splits data() {
        Random random = new Random(11);
        int n = 400;
        byte[] pixels = new byte[n * 64];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(10);
            for (int p = 0; p < 64; p++) {
                pixels[i * 64 + p] = (byte) (p / 6 == label ? 220 : random.nextInt(50));
            }
            labels[i] = (byte) label;
        }
        Dataset all = Dataset.of("tiny", 8, 8, pixels, labels, TrainerTest.DIGITS);
        return Splits.of(all.slice(0, 300), all.slice(300, 400), 60);
    }

    /**
     * Stopped at the end of epoch 3, or two mini-batches into epoch 4 (as Ctrl-C or SIGTERM would): the
     * checkpoint holds epoch 3 either way, and the run resumed from it equals the uninterrupted one.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aRunStoppedAfterEpoch3AndResumedMatchesTheUninterruptedRun(int batchesIntoEpoch4) throws Exception {
        Splits splits = data();
        int batchesPerEpoch = (splits.training().size() + BATCH - 1) / BATCH;

        Random randomA = new Random(5);
        Network a = Network.create(ARCH, Init.HE, randomA);
        Trainer.Result uninterrupted;
        try (Compute compute = new Compute(1)) {
            uninterrupted = new Trainer(a, CONFIG, compute).fit(splits, randomA);
        }

        Random randomB = new Random(5);
        Network b = Network.create(ARCH, Init.HE, randomB);
        Path file = dir.resolve("run.ckpt.safetensors");
        AtomicInteger batches = new AtomicInteger();
        try (Compute compute = new Compute(1)) {
            new Trainer(b, CONFIG, compute).fit(splits, randomB, new TrainingListener() { },
                    () -> batches.incrementAndGet() == 3 * batchesPerEpoch + batchesIntoEpoch4, null,
                    state -> save(file, b, state, randomB));
        }

        Checkpoint.Loaded loaded = Checkpoint.load(file);
        assertThat(loaded.state().epoch()).isEqualTo(3);
        Network c = loaded.model().network();
        AtomicReference<Trainer.State> last = new AtomicReference<>();
        Trainer.Result resumed;
        try (Compute compute = new Compute(1)) {
            resumed = new Trainer(c, CONFIG, compute).fit(splits, loaded.random(), new TrainingListener() { },
                    () -> false, loaded.state(), last::set);
        }

        assertThat(resumed.epochs()).hasSize(EPOCHS);
        for (int e = 0; e < EPOCHS; e++) {
            EpochMetrics u = uninterrupted.epochs().get(e);
            EpochMetrics r = resumed.epochs().get(e);
            assertThat(r.trainCost()).as("epoch %d cost", e + 1).isEqualTo(u.trainCost());
            assertThat(r.testAccuracy()).as("epoch %d test", e + 1).isEqualTo(u.testAccuracy());
            assertThat(r.validationAccuracy()).isEqualTo(u.validationAccuracy());
            assertThat(r.learningRate()).isEqualTo(u.learningRate());
        }
        for (Parameter p : a.parameters()) {
            assertThat(c.parameter(p.name()).values()).as(p.name()).containsExactly(p.values());
        }
        assertThat(ModelFile.load(file).network().architecture()).as("a checkpoint is also a model file").isEqualTo(ARCH);
    }

    @Test
    void aModelFileIsNotACheckpoint() throws Exception {
        Path model = dir.resolve("model.safetensors");
        ModelFile.save(model, Network.create(ARCH, Init.HE, new Random(1)));
        assertThatThrownBy(() -> Checkpoint.load(model)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not a ScratchNet checkpoint");
        assertThat(Files.exists(model)).isTrue();
    }

    private static void save(Path file, Network network, Trainer.State state, Random random) {
        try {
            Checkpoint.save(file, network, new ModelInfo(Map.of(), "tiny", "", ModelInfo.PIXEL_SCALING, List.of(),
                    Double.NaN), state, random);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
