package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.SplitMix64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path against {@link ReferenceNetwork}, a network.py-style double-precision reference, within a
 * relative error of 1e-4 for every parameter: the gradients at step 0, and the parameters after three
 * steps of fused plain SGD with L2, and of the stored-gradient path with momentum, Adam, L2 and dropout.
 * The step's mini-batch is the same 8 examples each time; n (the training-set size in λ/n) is 1, since
 * {@link Trainer#step} is driven directly, without {@code fit}.
 */
class ReferenceNetworkTest {

    private static final int M = 8;
    private static final double BOUND = 1e-4;
    private static final List<String> CLASSES = List.of("a", "b", "c");

    @Test
    void gradientsAtStepZeroMatchTheReference() {
        for (Activation hidden : List.of(Activation.SIGMOID, Activation.TANH, Activation.RELU)) {
            for (Activation output : List.of(Activation.SIGMOID, Activation.SOFTMAX)) {
                for (Cost cost : Cost.values()) {
                    Network net = network(hidden, output);
                    ReferenceNetwork reference = new ReferenceNetwork(net);
                    Dataset data = data();
                    new Backprop(net, M).run(new Compute(1), flat(data), labels(data), M, cost);
                    reference.gradients(inputs(data), labels(data), cost, null);
                    for (Parameter p : net.parameters()) {
                        assertThat(reference.relativeError(p, true)).as("%s %s/%s %s", p.name(), hidden, output, cost)
                                .isLessThan(BOUND);
                    }
                }
            }
        }
    }

    @Test
    void threeFusedSgdStepsWithL2MatchTheReference() {
        TrainConfig config = new TrainConfig(1, M, 0.5f, Cost.CROSS_ENTROPY).withL2(0.05f);
        assertThat(config.plainSgd()).isTrue();
        checkThreeSteps(config, Activation.SIGMOID);
    }

    @Test
    void threeStoredGradientStepsMatchTheReference() {
        Optimizer.Config momentum = new Optimizer.Config(Optimizer.Kind.MOMENTUM, 0.9f, 0.9f, 0.999f);
        Optimizer.Config adam = new Optimizer.Config(Optimizer.Kind.ADAM, 0.9f, 0.9f, 0.999f);
        checkThreeSteps(new TrainConfig(1, M, 0.1f, Cost.CROSS_ENTROPY).withOptimizer(momentum).withL2(0.05f), Activation.TANH);
        checkThreeSteps(new TrainConfig(1, M, 0.01f, Cost.CROSS_ENTROPY).withOptimizer(adam).withL2(0.05f), Activation.RELU);
        checkThreeSteps(new TrainConfig(1, M, 0.1f, Cost.CROSS_ENTROPY).withOptimizer(momentum).withDropout(0.3f), Activation.SIGMOID);
    }

    private static void checkThreeSteps(TrainConfig config, Activation hidden) {
        Network net = network(hidden, Activation.SOFTMAX);
        ReferenceNetwork reference = new ReferenceNetwork(net);
        Dataset data = data();
        int[] order = new int[M];
        for (int i = 0; i < M; i++) {
            order[i] = i;
        }
        try (Compute compute = new Compute(2)) {
            Trainer trainer = new Trainer(net, config, compute);
            // A trainer's generator before fit is new Random(0): one long of it seeds each step's masks.
            Random masks = new Random(0);
            double[][] firstMoment = zerosLike(reference);
            double[][] secondMoment = zerosLike(reference);
            for (int step = 1; step <= 3; step++) {
                trainer.step(data, order, 0, M);
                double[][][] mask = config.dropout() > 0f ? masks(reference, masks.nextLong(), config.dropout()) : null;
                reference.gradients(inputs(data), labels(data), config.cost(), mask);
                referenceStep(reference, config, step, firstMoment, secondMoment);
            }
        }
        for (Parameter p : net.parameters()) {
            assertThat(reference.relativeError(p, false)).as("%s after 3 steps of %s", p.name(), config.optimizer().kind())
                    .isLessThan(BOUND);
        }
    }

    /** One step as the book and the optimizers' papers write it, on tensors w (index 2l) and b (2l + 1). */
    private static void referenceStep(ReferenceNetwork ref, TrainConfig c, int t, double[][] m, double[][] v) {
        double eta = c.learningRate();
        for (int l = 0; l < ref.w.length; l++) {
            for (int decays = 1; decays >= 0; decays--) {
                double[] p = decays == 1 ? ref.w[l] : ref.b[l];
                double[] nabla = decays == 1 ? ref.nablaW[l] : ref.nablaB[l];
                int k = 2 * l + (1 - decays);
                for (int i = 0; i < p.length; i++) {
                    double g = nabla[i] / M + decays * c.l2() * p[i]; // n = 1
                    switch (c.optimizer().kind()) {
                        case SGD -> p[i] -= eta * g; // = (1 − ηλ/n)·w − (η/m)·∇w
                        case MOMENTUM -> {
                            m[k][i] = c.optimizer().momentum() * m[k][i] - eta * g;
                            p[i] += m[k][i];
                        }
                        case ADAM -> {
                            double b1 = c.optimizer().beta1();
                            double b2 = c.optimizer().beta2();
                            m[k][i] = b1 * m[k][i] + (1 - b1) * g;
                            v[k][i] = b2 * v[k][i] + (1 - b2) * g * g;
                            double mHat = m[k][i] / (1 - Math.pow(b1, t));
                            double vHat = v[k][i] / (1 - Math.pow(b2, t));
                            p[i] -= eta * mHat / (Math.sqrt(vHat) + 1e-8);
                        }
                        default -> throw new IllegalStateException(c.optimizer().kind().name());
                    }
                }
            }
        }
    }

    /** Inverted-dropout masks as the trainer draws them: per layer after the first, example by example. */
    private static double[][][] masks(ReferenceNetwork ref, long seed, float p) {
        SplitMix64 draws = new SplitMix64(seed);
        long threshold = (long) (p * (1L << 24));
        double keep = 1f / (1f - p);
        double[][][] mask = new double[M][ref.w.length][];
        for (int l = 1; l < ref.w.length; l++) {
            for (int e = 0; e < M; e++) {
                mask[e][l] = new double[ref.sizes[l]];
                for (int k = 0; k < ref.sizes[l]; k++) {
                    mask[e][l][k] = (draws.nextLong() >>> 40) < threshold ? 0 : keep;
                }
            }
        }
        return mask;
    }

    private static double[][] zerosLike(ReferenceNetwork ref) {
        double[][] out = new double[2 * ref.w.length][];
        for (int l = 0; l < ref.w.length; l++) {
            out[2 * l] = new double[ref.w[l].length];
            out[2 * l + 1] = new double[ref.b[l].length];
        }
        return out;
    }

    private static Network network(Activation hidden, Activation output) {
        return Network.create(Architecture.of(List.of(6, 5, 4, 3), hidden, output), Init.FAN_IN, new Random(11));
    }

    /** Eight 2 × 3 images with labels 0 to 2. */
    private static Dataset data() {
        Random random = new Random(5);
        byte[] pixels = new byte[M * 6];
        random.nextBytes(pixels);
        byte[] labels = new byte[M];
        for (int i = 0; i < M; i++) {
            labels[i] = (byte) (i % 3);
        }
        return Dataset.of("reference", 2, 3, pixels, labels, CLASSES);
    }

    private static float[] flat(Dataset data) {
        float[] x = new float[M * 6];
        for (int i = 0; i < M; i++) {
            data.image(i, x, i * 6);
        }
        return x;
    }

    private static double[][] inputs(Dataset data) {
        double[][] x = new double[M][];
        for (int i = 0; i < M; i++) {
            x[i] = ReferenceNetwork.toDouble(data.image(i));
        }
        return x;
    }

    private static int[] labels(Dataset data) {
        int[] labels = new int[M];
        for (int i = 0; i < M; i++) {
            labels[i] = data.label(i);
        }
        return labels;
    }
}
