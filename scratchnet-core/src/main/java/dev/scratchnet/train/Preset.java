package dev.scratchnet.train;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A named training setup: the network's shape and how to train it. Command-line flags override single
 * fields; data and run flags (data set, seed, threads, monitoring) are not part of a preset.
 *
 * @param name     as given to {@code --preset}
 * @param layers   the layers in the {@code --layers} grammar, input first, e.g. {@code 784,30,10}
 * @param hidden   activation of every hidden layer
 * @param output   activation of the output layer
 * @param init     weight initialization
 * @param training how to train
 */
public record Preset(String name, String layers, Activation hidden, Activation output, Init init,
                     TrainConfig training) {

    private static final Optimizer.Config MOMENTUM_09 = new Optimizer.Config(Optimizer.Kind.MOMENTUM, 0.9f, 0.9f, 0.999f);
    private static final Schedule COSINE = new Schedule(Schedule.Kind.COSINE, 10, 0.5f, 10, 7);

    /**
     * The base that flags start from when no preset is named: [784,30,10] sigmoid, softmax output,
     * cross-entropy, N(0, 1/n_in) weights, plain SGD with η = 0.5, mini-batch 10, 30 epochs.
     */
    public static final Preset PLAIN = new Preset("custom", "784,30,10", Activation.SIGMOID,
            Activation.SOFTMAX, Init.FAN_IN, new TrainConfig(30, 10, 0.5f, Cost.CROSS_ENTROPY));

    /** Chapter 1 of the book: network.py's [784,30,10] sigmoid network, quadratic cost, η = 3.0, m = 10, 30 epochs. */
    public static final Preset BOOK_CH1 = new Preset("book-ch1", "784,30,10", Activation.SIGMOID,
            Activation.SIGMOID, Init.NORMAL, new TrainConfig(30, 10, 3.0f, Cost.QUADRATIC));

    /**
     * Chapter 3 of the book: network2.py's [784,100,10] sigmoid network with sigmoid outputs, cross-entropy,
     * L2 with λ = 5.0, η = 0.5, m = 10, 30 epochs, N(0, 1) weights (large_weight_initializer).
     */
    public static final Preset BOOK_CH3 = new Preset("book-ch3", "784,100,10", Activation.SIGMOID,
            Activation.SIGMOID, Init.NORMAL, new TrainConfig(30, 10, 0.5f, Cost.CROSS_ENTROPY).withL2(5.0f));

    /**
     * What {@code train} runs with no flags: the most accurate MLP found that trains in about two minutes on
     * a 2-core machine: [784,512,512,10] ReLU (he init), softmax, momentum 0.9, η 0.05 on a cosine schedule,
     * mini-batch 32, 20 epochs (measured figures in the README's results table).
     */
    public static final Preset DEFAULT = new Preset("default", "784,512,512,10", Activation.RELU,
            Activation.SOFTMAX, Init.HE, new TrainConfig(20, 32, 0.05f, Cost.CROSS_ENTROPY)
                    .withOptimizer(MOMENTUM_09).withSchedule(COSINE));

    /**
     * The most accurate MLP found without augmentation: [784,1024,1024,10] ReLU (he init), softmax, inverted
     * dropout 0.3, momentum 0.9, η 0.05 on a cosine schedule, mini-batch 64, 40 epochs.
     */
    public static final Preset MLP_PLAIN = new Preset("mlp-plain", "784,1024,1024,10", Activation.RELU,
            Activation.SOFTMAX, Init.HE, new TrainConfig(40, 64, 0.05f, Cost.CROSS_ENTROPY)
                    .withOptimizer(MOMENTUM_09).withDropout(0.3f).withSchedule(COSINE));

    /** {@link #MLP_PLAIN}'s network and training with elastic distortions, for 80 epochs (under 30 minutes here). */
    public static final Preset MLP_BEST = new Preset("mlp-best", MLP_PLAIN.layers, Activation.RELU, Activation.SOFTMAX,
            Init.HE, MLP_PLAIN.training.withEpochs(80).withAugmentation(Augmentation.ELASTIC));

    /**
     * Chapter 6 of the book: network3.py's best single net, conv 5×5 ×20, pool 2, conv 5×5 ×40, pool 2,
     * FC 1000, FC 1000, softmax 10, ReLU, dropout 0.5 on the inputs of the three dense layers, plain SGD with
     * η = 0.03, m = 10, 40 epochs of the expanded training set (each image and its four one-pixel shifts).
     * network3 drops out without rescaling and initializes its weights N(0, 1/n_out); here dropout is
     * inverted and the weights are he-initialized. Its L2 term is left out, as the book's final run does.
     */
    public static final Preset BOOK_CH6 = new Preset("book-ch6",
            "1x28x28,conv5x5:20,maxpool2,conv5x5:40,maxpool2,1000,1000,10", Activation.RELU, Activation.SOFTMAX,
            Init.HE, new TrainConfig(40, 10, 0.03f, Cost.CROSS_ENTROPY).withDropout(0.5f)
                    .withAugmentation(Augmentation.EXPAND));

    /**
     * The most accurate conv net found that trains in ten to thirteen minutes on a 2-core machine: conv 5×5 ×32,
     * pool 2, conv 5×5 ×64, pool 2, FC 512, softmax 10, ReLU (he init), inverted dropout 0.3 on the inputs
     * of the two dense layers, elastic distortions, momentum 0.9, η 0.05 on a cosine schedule, mini-batch
     * 64, 40 epochs, L2 λ = 25: λ/n = 0.0005 at n = 50,000, the weight decay of Caffe's LeNet solver
     * (examples/mnist/lenet_solver.prototxt). Measured figures, with and without L2, in the README's results
     * table.
     */
    public static final Preset CNN = new Preset("cnn", "1x28x28,conv5x5:32,maxpool2,conv5x5:64,maxpool2,512,10",
            Activation.RELU, Activation.SOFTMAX, Init.HE, new TrainConfig(40, 64, 0.05f, Cost.CROSS_ENTROPY)
                    .withOptimizer(MOMENTUM_09).withDropout(0.3f).withSchedule(COSINE)
                    .withAugmentation(Augmentation.ELASTIC).withL2(25f));

    public static final List<Preset> ALL = List.of(DEFAULT, BOOK_CH1, BOOK_CH3, MLP_PLAIN, MLP_BEST, BOOK_CH6, CNN);

    public static Preset named(String name) {
        for (Preset p : ALL) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "'; use one of "
                + Arrays.toString(ALL.stream().map(Preset::name).toArray()));
    }

    public Architecture architecture() {
        return Architecture.parse(layers, hidden, output);
    }

    /** The setup as metadata for model files. */
    public Map<String, Object> describe(long seed) {
        TrainConfig t = training;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", name);
        m.put("layers", architecture().text());
        m.put("activation", hidden.id());
        m.put("output", output.id());
        m.put("cost", t.cost().id());
        m.put("init", init.id());
        m.put("epochs", t.epochs());
        m.put("batch", t.batchSize());
        m.put("eta", t.learningRate());
        m.put("optimizer", t.optimizer().kind().id());
        m.put("momentum", t.optimizer().momentum());
        m.put("beta1", t.optimizer().beta1());
        m.put("beta2", t.optimizer().beta2());
        m.put("l2", t.l2());
        m.put("l1", t.l1());
        m.put("dropout", t.dropout());
        m.put("clip_norm", t.clipNorm());
        m.put("schedule", t.schedule().kind().id());
        m.put("early_stop", t.earlyStop());
        m.put("augment", t.augmentation().id());
        m.put("seed", seed);
        return m;
    }
    /**
     * The keys of two {@link #describe} maps whose values differ, as "key before → after" (numbers compared as
     * float32, as they were trained), leaving out {@code ignored}: a resumed run's training against its
     * checkpoint's.
     */
    public static List<String> differences(Map<String, Object> before, Map<String, Object> after, List<String> ignored) {
        List<String> changed = new ArrayList<>();
        before.forEach((key, was) -> {
            Object now = after.get(key);
            boolean same = was instanceof Number a && now instanceof Number b ? a.floatValue() == b.floatValue()
                    : Objects.equals(String.valueOf(was), String.valueOf(now));
            if (!same && now != null && !ignored.contains(key)) {
                changed.add(key + " " + was + " → " + now);
            }
        });
        return changed;
    }
}
