package dev.scratchnet.train;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import java.util.Arrays;
import java.util.List;

/**
 * A named training setup: the network's shape and how to train it. Command-line flags override single
 * fields ({@link #with}); data and run flags (data set, seed, threads) are not part of a preset.
 *
 * @param name       as given to {@code --preset}
 * @param layers     layer sizes, input first
 * @param hidden     activation of every hidden layer
 * @param output     activation of the output layer
 * @param cost       the cost function
 * @param init       weight initialization
 * @param epochs     passes over the training data
 * @param batch      mini-batch size m
 * @param eta        learning rate η
 */
public record Preset(String name, List<Integer> layers, Activation hidden, Activation output, Cost cost, Init init,
                     int epochs, int batch, float eta) {

    /**
     * The base that flags start from when no preset is named: [784,30,10] sigmoid, softmax output,
     * cross-entropy, N(0, 1/n_in) weights, plain SGD with η = 0.5, mini-batch 10, 30 epochs.
     */
    public static final Preset PLAIN = new Preset("custom", List.of(784, 30, 10), Activation.SIGMOID,
            Activation.SOFTMAX, Cost.CROSS_ENTROPY, Init.FAN_IN, 30, 10, 0.5f);

    /** Chapter 1 of the book: network.py's [784,30,10] sigmoid network, quadratic cost, η = 3.0, m = 10, 30 epochs. */
    public static final Preset BOOK_CH1 = new Preset("book-ch1", List.of(784, 30, 10), Activation.SIGMOID,
            Activation.SIGMOID, Cost.QUADRATIC, Init.NORMAL, 30, 10, 3.0f);

    /**
     * What {@code train} runs with no flags: the most accurate MLP found that trains in about two minutes on
     * a 2-core machine with plain SGD (its test accuracy plateaus near 98.3% from epoch 20; measured figures
     * in the README's results table).
     */
    public static final Preset DEFAULT = new Preset("default", List.of(784, 512, 512, 10), Activation.RELU,
            Activation.SOFTMAX, Cost.CROSS_ENTROPY, Init.FAN_IN, 24, 32, 0.1f);

    public static final List<Preset> ALL = List.of(DEFAULT, BOOK_CH1);

    public static Preset named(String name) {
        for (Preset p : ALL) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "'; use one of "
                + Arrays.toString(ALL.stream().map(Preset::name).toArray()));
    }

    public Preset {
        layers = List.copyOf(layers);
    }

    public Architecture architecture() {
        return Architecture.of(layers, hidden, output);
    }

    public TrainConfig trainConfig() {
        return new TrainConfig(epochs, batch, eta, cost);
    }

    /** This setup with single fields replaced; null arguments keep the current value. */
    public Preset with(List<Integer> layers, Activation hidden, Activation output, Cost cost, Init init,
                       Integer epochs, Integer batch, Float eta) {
        return new Preset(name, layers != null ? layers : this.layers, hidden != null ? hidden : this.hidden,
                output != null ? output : this.output, cost != null ? cost : this.cost, init != null ? init : this.init,
                epochs != null ? epochs : this.epochs, batch != null ? batch : this.batch, eta != null ? eta : this.eta);
    }

    /** The setup as metadata for model files. */
    public java.util.Map<String, Object> describe(long seed) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("preset", name);
        m.put("layers", Architecture.of(layers, hidden, output).sizesText());
        m.put("activation", hidden.id());
        m.put("output", output.id());
        m.put("cost", cost.id());
        m.put("init", init.id());
        m.put("epochs", epochs);
        m.put("batch", batch);
        m.put("eta", eta);
        m.put("optimizer", "sgd");
        m.put("seed", seed);
        return m;
    }
}
