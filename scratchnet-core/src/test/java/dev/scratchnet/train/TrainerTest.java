package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Regularization and clipping steps worked by hand against a separate gradient computation. */
class TrainerTest {

    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** n examples of 2×2 pixels. */
    static Dataset tiny(int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * 4];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(3);
            for (int p = 0; p < 4; p++) {
                pixels[i * 4 + p] = (byte) (p == label ? 200 + random.nextInt(50) : random.nextInt(60));
            }
            labels[i] = (byte) label;
        }
        return Dataset.of("tiny", 2, 2, pixels, labels, DIGITS);
    }

    private static Network net() {
        return Network.builder(4).hidden(3, Activation.TANH).output(10, Activation.SOFTMAX).seed(9).build();
    }

    /** One step of the trainer on examples 0..m−1 against w − η·(mean gradient + regularization), by hand. */
    private static void checkOneStep(TrainConfig config, int n) {
        Dataset data = tiny(n, 1);
        Network before = net();
        Network after = net();
        int m = config.batchSize();
        float[] x = new float[m * 4];
        int[] labels = new int[m];
        for (int r = 0; r < m; r++) {
            data.image(r, x, r * 4);
            labels[r] = data.label(r);
        }
        Backprop reference = new Backprop(before, m);
        try (Compute compute = new Compute(1)) {
            reference.run(compute, x, labels, m, config.cost());
            Trainer trainer = new Trainer(after, config, compute);
            trainer.fit(Splits.of(data, data, 0), new Random(0), new TrainingListener() { }, () -> false);
        }
        // fit() ran one epoch of exactly one mini-batch in shuffled order; the mean gradient does not depend on order.
        double eta = config.learningRate();
        double squares = 0;
        double[][] g = new double[2][];
        for (int l = 0; l < 2; l++) {
            float[] w = before.parameter("layers." + l + ".weight").values();
            float[] gw = before.parameter("layers." + l + ".weight").gradient();
            g[l] = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                g[l][i] = gw[i] / m + config.l2() / n * w[i] + config.l1() / n * Math.signum(w[i]);
                squares += g[l][i] * g[l][i];
            }
            for (float b : before.parameter("layers." + l + ".bias").gradient()) {
                squares += (b / m) * (b / m);
            }
        }
        double clip = config.clipNorm() > 0 && Math.sqrt(squares) > config.clipNorm() ? config.clipNorm() / Math.sqrt(squares) : 1;
        for (int l = 0; l < 2; l++) {
            float[] w0 = before.parameter("layers." + l + ".weight").values();
            float[] w1 = after.parameter("layers." + l + ".weight").values();
            for (int i = 0; i < w0.length; i++) {
                assertThat((double) w1[i]).as("layer %d weight %d", l, i).isCloseTo(w0[i] - eta * clip * g[l][i], offset(2e-6));
            }
        }
    }

    @Test
    void l2IsTheBooksRescaling() {
        checkOneStep(new TrainConfig(1, 8, 0.5f, Cost.CROSS_ENTROPY).withL2(5f), 8);
    }

    @Test
    void l1AddsLambdaOverNTimesTheSign() {
        checkOneStep(new TrainConfig(1, 8, 0.5f, Cost.CROSS_ENTROPY).withL1(2f), 8);
    }

    @Test
    void clippingScalesTheWholeGradientToTheNorm() {
        checkOneStep(new TrainConfig(1, 8, 0.5f, Cost.CROSS_ENTROPY).withL2(1f).withClipNorm(0.01f), 8);
    }

    @Test
    void earlyStoppingRestoresTheBestValidationWeights() {
        Dataset train = tiny(300, 2);
        Dataset validation = tiny(60, 3);
        Network net = Network.builder(4).hidden(8, Activation.RELU).output(10, Activation.SOFTMAX).seed(4).build();
        TrainConfig config = new TrainConfig(40, 10, 2.5f, Cost.CROSS_ENTROPY).withEarlyStop(3);
        Splits splits = new Splits(train, java.util.Optional.of(validation), validation);
        Trainer.Result result;
        try (Compute compute = new Compute(1)) {
            result = new Trainer(net, config, compute).fit(splits, new Random(1));
            double restoredValidation = Evaluation.of(net, compute, validation).accuracy();
            double best = result.epochs().stream().mapToDouble(e -> e.validationAccuracy().getAsDouble()).max().orElseThrow();
            assertThat(restoredValidation).as("the restored weights are the best epoch's").isEqualTo(best);
            assertThat(result.finalTestAccuracy()).isEqualTo(best); // test = validation here
        }
        int bestEpoch = 0;
        for (EpochMetrics e : result.epochs()) {
            if (e.validationAccuracy().getAsDouble() > result.epochs().get(bestEpoch).validationAccuracy().getAsDouble()) {
                bestEpoch = e.epoch() - 1;
            }
        }
        assertThat(result.epochs()).as("stopped 3 epochs after the best").hasSize(Math.min(40, bestEpoch + 1 + 3));
    }

    @Test
    void optionsThatNeedValidationAreRefusedWithoutIt() {
        TrainConfig config = new TrainConfig(2, 10, 0.5f, Cost.CROSS_ENTROPY).withEarlyStop(2);
        Dataset data = tiny(50, 1);
        try (Compute compute = new Compute(1)) {
            assertThatThrownBy(() -> new Trainer(net(), config, compute).fit(Splits.of(data, data, 0), new Random(1)))
                    .hasMessageContaining("--early-stop and --schedule book need validation data");
        }
    }

    @Test
    void divergenceStopsWithAMessageNamingTheEpoch() {
        Dataset data = tiny(200, 1);
        TrainConfig config = new TrainConfig(3, 10, 1e30f, Cost.CROSS_ENTROPY);
        // Fan-in init with N(0,1) biases keeps units alive, so the huge step blows the cost up instead of killing them.
        Network relu = Network.builder(4).hidden(8, Activation.RELU).output(10, Activation.SOFTMAX).init(Init.FAN_IN)
                .seed(9).build();
        try (Compute compute = new Compute(1)) {
            assertThatThrownBy(() -> new Trainer(relu, config, compute).fit(Splits.of(data, data, 0), new Random(1)))
                    .isInstanceOf(TrainingException.class).hasMessageContaining("in epoch 1")
                    .hasMessageContaining("try a smaller --eta");
        }
    }

    @Test
    void monitoringAddsTrainingAccuracyAndValidationCost() {
        Dataset data = tiny(100, 1);
        TrainConfig config = new TrainConfig(1, 10, 0.5f, Cost.CROSS_ENTROPY).withMonitor(true);
        try (Compute compute = new Compute(1)) {
            EpochMetrics m = new Trainer(net(), config, compute).fit(Splits.of(data, data, 20), new Random(1)).epochs().get(0);
            assertThat(m.trainAccuracy()).isPresent();
            assertThat(m.validationCost()).isPresent();
            assertThat(m.validationCost().getAsDouble()).isPositive().isFinite();
        }
    }

    @Test
    void dropoutIsOffAtEvaluationAndAllOptimizersTrain() {
        Dataset data = tiny(600, 5);
        for (Optimizer.Kind kind : Optimizer.Kind.values()) {
            float eta = kind == Optimizer.Kind.ADAM || kind == Optimizer.Kind.RMSPROP ? 0.01f : 0.2f;
            TrainConfig config = new TrainConfig(15, 10, eta, Cost.CROSS_ENTROPY).withOptimizer(new Optimizer.Config(kind, 0.9f, 0.9f, kind == Optimizer.Kind.RMSPROP ? 0.9f : 0.999f)).withDropout(0.2f);
            Network net = Network.builder(4).hidden(16, Activation.RELU).output(10, Activation.SOFTMAX).seed(3).build();
            try (Compute compute = new Compute(1)) {
                Trainer.Result result = new Trainer(net, config, compute).fit(Splits.of(data, data, 100), new Random(2));
                assertThat(result.finalTestAccuracy()).as(kind.id()).isGreaterThan(0.9);
                float[] x = data.image(0);
                assertThat(net.predict(x)).as("prediction is deterministic: no dropout").containsExactly(net.predict(x));
            }
        }
    }

    /**
     * {@code --augment expand}: an epoch is every image plus its four one-pixel shifts (up, down, left,
     * right, zeros shifted in), each exactly once, in shuffled order.
     */
    @Test
    void expandTrainsOnEveryImageAndItsFourShiftsOncePerEpoch() {
        int n = 6;
        int side = 3;
        Random random = new Random(5);
        byte[] pixels = new byte[n * side * side];
        byte[] labels = new byte[n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (1 + random.nextInt(250));
        }
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) i;
        }
        Dataset data = Dataset.of("shifts", side, side, pixels, labels, DIGITS);
        java.util.Set<String> expected = new java.util.HashSet<>();
        int[][] moves = {{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}}; // (rows, cols): as is, up, down, left, right
        for (int i = 0; i < n; i++) {
            float[] image = data.image(i);
            for (int[] move : moves) {
                float[] shifted = new float[side * side];
                for (int y = 0; y < side; y++) {
                    for (int c = 0; c < side; c++) {
                        int sy = y - move[0];
                        int sc = c - move[1];
                        boolean inside = sy >= 0 && sy < side && sc >= 0 && sc < side;
                        shifted[y * side + c] = inside ? image[sy * side + sc] : 0f;
                    }
                }
                expected.add(i + ": " + java.util.Arrays.toString(shifted)); // the label, then the pixels
            }
        }
        assertThat(expected).hasSize(5 * n);
        Network net = Network.builder(side * side).output(10, Activation.SOFTMAX).seed(1).build();
        TrainConfig config = new TrainConfig(1, 1, 0.1f, Cost.CROSS_ENTROPY).withAugmentation(Augmentation.EXPAND);
        try (Compute compute = new Compute(1)) {
            MiniBatch batch = new MiniBatch(3, side * side, Augmentation.EXPAND);
            int[] order = new int[5 * n];
            for (int k = 0; k < order.length; k++) {
                order[k] = order.length - 1 - k;
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int k = 0; k < order.length; k += 3) { // mini-batches of 3
                batch.gather(data, order, k, 3, new Random(1), compute);
                for (int r = 0; r < 3; r++) {
                    float[] row = java.util.Arrays.copyOfRange(batch.inputs(), r * side * side, (r + 1) * side * side);
                    seen.add(batch.labels()[r] + ": " + java.util.Arrays.toString(row));
                }
            }
            assertThat(seen).isEqualTo(expected);
            Trainer.Result result = new Trainer(net, config, compute).fit(Splits.of(data, data, 0), new Random(3));
            assertThat(result.epochs().get(0).examples()).isEqualTo(5 * n);
        }
    }

    @Test
    void aLargeMiniBatchGatheredByThePoolHoldsTheImagesAndLabelsInTheEpochsOrder() {
        int rows = MiniBatch.PARALLEL_MIN_PIXELS / 784 + 3; // just over the size the pool copies, odd
        Dataset data = AllocationTest.randomData(3 * rows);
        int[] order = new int[data.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = (7 * k + 2) % order.length; // 7 is prime to 3 · rows, so a permutation
        }
        try (Compute two = new Compute(2)) {
            MiniBatch batch = new MiniBatch(rows, 784, Augmentation.NONE);
            batch.gather(data, order, rows, rows, new Random(1), two);
            for (int r = 0; r < rows; r++) {
                int i = order[rows + r];
                assertThat(java.util.Arrays.copyOfRange(batch.inputs(), r * 784, (r + 1) * 784))
                        .as("row %d: image %d", r, i).containsExactly(data.image(i));
                assertThat(batch.labels()[r]).as("row %d's label", r).isEqualTo(data.label(i));
            }
        }
    }

    @Test
    void anEpochRunnerStoppedBeforeItsEpochBeganEndsTheRunWithNothingRecordedForIt() {
        Dataset data = tiny(20, 2);
        int[] epochs = new int[1];
        EpochRunner runner = (network, optimizer, epoch, eta, listener, stop) -> {
            epochs[0]++;
            return epoch == 1 ? new EpochRunner.Pass(1.0, 20, false) : new EpochRunner.Pass(0, 0, true);
        };
        try (Compute compute = new Compute(1)) {
            Trainer.Result result = new Trainer(net(), new TrainConfig(5, 4, 0.1f, Cost.CROSS_ENTROPY), compute, runner)
                    .fit(Splits.of(data, data, 0), new Random(0));
            assertThat(epochs[0]).isEqualTo(2);
            assertThat(result.stopped()).isTrue();
            assertThat(result.epochs()).hasSize(1);
            assertThat(result.epochs().get(0).trainCost()).isEqualTo(1.0 / 20);
        }
    }
}
