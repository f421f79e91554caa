package dev.scratchnet.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scratchnet.cli.ScaleOut;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.LayerSpec;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.train.EpochRunner;
import dev.scratchnet.train.Optimizer;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import dev.scratchnet.train.TrainingListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parameter averaging in local[2]: what a round computes, and that it is the same every time. */
class ParameterAveragingTest {

    private static final Architecture ARCH = new Architecture(Shape.flat(64),
            List.of(new LayerSpec.Dense(16, Activation.SIGMOID), new LayerSpec.Dense(4, Activation.SOFTMAX)));
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** Four classes, each a bright quarter of an 8×8 image, with noise. */
    static Dataset toy(int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * 64];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(4);
            labels[i] = (byte) label;
            for (int p = 0; p < 64; p++) {
                boolean lit = (p / 8 < 4) == (label < 2) && (p % 8 < 4) == (label % 2 == 0);
                pixels[i * 64 + p] = (byte) (lit ? 150 + random.nextInt(100) : random.nextInt(90));
            }
        }
        return Dataset.of("toy", 8, 8, pixels, labels, List.of("a", "b", "c", "d"));
    }

    private static float[] train(TrainConfig config, int workers, int k, long seed, Dataset data) {
        Network network = Network.create(ARCH, Init.FAN_IN, new Random(3));
        Optimizer optimizer = new Optimizer(config.optimizer());
        ParameterAveraging session = session(config, workers, k, seed, data);
        try {
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                EpochRunner.Pass pass = session.train(network, optimizer, epoch, config.learningRate(),
                        new TrainingListener() { }, () -> false);
                assertThat(pass.done()).isEqualTo(data.size());
                assertThat(pass.stopped()).isFalse();
            }
        } finally {
            session.release();
        }
        return flatten(network);
    }

    private static ParameterAveraging session(TrainConfig config, int workers, int k, long seed, Dataset data) {
        return new ParameterAveraging(sc, new ScaleOut.Request("local[2]", workers, k, seed, ARCH, config, data),
                new PrintWriter(new StringWriter()));
    }

    @Test
    void aStopRequestEndsTheEpochAfterTheRoundUnderWayEvenItsLast() {
        Dataset data = toy(120, 8);
        TrainConfig config = new TrainConfig(1, 5, 0.3f, Cost.CROSS_ENTROPY);
        ParameterAveraging session = session(config, 2, 3, 1, data); // 60 per shard, 15 per round: 4 rounds
        try {
            Network network = Network.create(ARCH, Init.FAN_IN, new Random(3));
            Optimizer optimizer = new Optimizer(config.optimizer());
            int[] rounds = new int[1];
            TrainingListener count = new TrainingListener() {
                @Override
                public void onBatch(int epoch, int done, int total) {
                    rounds[0]++;
                }
            };
            EpochRunner.Pass early = session.train(network, optimizer, 1, 0.3f, count, () -> rounds[0] >= 1);
            assertThat(early.stopped()).isTrue();
            assertThat(early.done()).isEqualTo(30);
            assertThat(flatten(network)).isNotEqualTo(flatten(Network.create(ARCH, Init.FAN_IN, new Random(3))));
            rounds[0] = 0;
            EpochRunner.Pass last = session.train(network, optimizer, 2, 0.3f, count, () -> rounds[0] >= 4);
            assertThat(last.stopped()).as("a stop in the last round still stops the run").isTrue();
            assertThat(last.done()).isEqualTo(120);
        } finally {
            session.release();
        }
    }

    private static float[] flatten(Network network) {
        int size = network.parameters().stream().mapToInt(Parameter::size).sum();
        float[] all = new float[size];
        int at = 0;
        for (Parameter p : network.parameters()) {
            System.arraycopy(p.values(), 0, all, at, p.size());
            at += p.size();
        }
        return all;
    }

    @Test
    void withOneMiniBatchPerRoundAndSgdEachRoundIsOneStepAlongTheWorkersMeanGradient() {
        Dataset data = toy(240, 5);
        int m = 6;
        TrainConfig config = new TrainConfig(1, m, 0.5f, Cost.CROSS_ENTROPY);
        float[] averaged = train(config, 2, 1, 11, data);

        // the same epoch locally: each step on the two workers' mini-batches of that round together (2m examples)
        List<Dataset> shards = Shards.split(data, 2, 11);
        int[] first = Shards.epochOrder(shards.get(0).size(), 11, 1, 0);
        int[] second = Shards.epochOrder(shards.get(1).size(), 11, 1, 1);
        int size0 = shards.get(0).size();
        int[] all = new int[data.size()];
        int[] order = new int[data.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        int at = 0;
        for (int from = 0; from < size0; from += m) {
            for (int i = from; i < from + m; i++) {
                order[at++] = first[i];
            }
            for (int i = from; i < from + m; i++) {
                order[at++] = size0 + second[i];
            }
        }
        Dataset both = concat(shards.get(0), shards.get(1));
        Network local = Network.create(ARCH, Init.FAN_IN, new Random(3));
        try (Compute compute = new Compute(1)) {
            new Trainer(local, new TrainConfig(1, 2 * m, 0.5f, Cost.CROSS_ENTROPY), compute)
                    .train(both, order, 0, order.length, 0.5f, data.size(), new Random(0));
        }
        float[] expected = flatten(local);
        for (int i = 0; i < expected.length; i++) {
            assertThat(averaged[i]).as("parameter %d", i).isCloseTo(expected[i], within(2e-5f));
        }
        assertThat(averaged).isNotEqualTo(flatten(Network.create(ARCH, Init.FAN_IN, new Random(3))));
    }

    private static Dataset concat(Dataset a, Dataset b) {
        byte[] pixels = new byte[(a.size() + b.size()) * 64];
        byte[] labels = new byte[a.size() + b.size()];
        for (int i = 0; i < a.size() + b.size(); i++) {
            Dataset d = i < a.size() ? a : b;
            int j = i < a.size() ? i : i - a.size();
            float[] x = d.image(j);
            for (int p = 0; p < 64; p++) {
                pixels[i * 64 + p] = (byte) Math.round(x[p] * 255);
            }
            labels[i] = (byte) d.label(j);
        }
        return Dataset.of("both", 8, 8, pixels, labels, a.classNames());
    }

    @Test
    void theSameSeedWorkersAndKGiveTheSameBitsAndAnotherSeedOthers() {
        Dataset data = toy(300, 6);
        TrainConfig config = new TrainConfig(2, 5, 0.3f, Cost.CROSS_ENTROPY)
                .withOptimizer(new Optimizer.Config(Optimizer.Kind.MOMENTUM, 0.9f, 0.9f, 0.999f)).withDropout(0.2f);
        float[] once = train(config, 3, 4, 21, data);
        float[] again = train(config, 3, 4, 21, data);
        assertThat(again).containsExactly(once);
        assertThat(train(config, 3, 4, 22, data)).isNotEqualTo(once);
        assertThat(train(config, 3, 2, 21, data)).isNotEqualTo(once);
    }

    @Test
    void shardsArePartOfTheDataOnceEach() {
        Dataset data = toy(101, 7);
        List<Dataset> shards = Shards.split(data, 3, 1);
        assertThat(shards).extracting(Dataset::size).containsExactly(33, 34, 34);
        List<String> dealt = new java.util.ArrayList<>();
        shards.forEach(s -> {
            for (int i = 0; i < s.size(); i++) {
                dealt.add(s.label(i) + java.util.Arrays.toString(s.image(i)));
            }
        });
        List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            all.add(data.label(i) + java.util.Arrays.toString(data.image(i)));
        }
        assertThat(dealt).containsExactlyInAnyOrderElementsOf(all); // every example exactly once
        assertThat(Shards.split(data, 3, 1).get(0).image(5)).containsExactly(shards.get(0).image(5));
        assertThat(Shards.split(data, 3, 2).get(0).image(5)).isNotEqualTo(shards.get(0).image(5));
    }
}
