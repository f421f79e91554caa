package dev.scratchnet.cli;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.train.Optimizer;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bench} trains on every engine: the network, its initialization, η, the mini-batch sizes, the
 * optimizer, dropout and L2, from the flags or from a preset (its schedule and augmentation left out on
 * every side, so that each epoch is the same work).
 */
record BenchSetup(String name, Architecture architecture, Init init, float eta, List<Integer> batches,
                  Optimizer.Config optimizer, float dropout, float l2, Cost cost) {

    BenchSetup {
        batches = List.copyOf(batches);
    }

    static BenchSetup of(Preset preset) {
        TrainConfig t = preset.training();
        return new BenchSetup("preset " + preset.name(), preset.architecture(), preset.init(), t.learningRate(),
                List.of(t.batchSize()), t.optimizer(), t.dropout(), t.l2(), t.cost());
    }

    /** Plain SGD on the given network, sigmoid, tanh or ReLU hidden layers and a softmax output. */
    static BenchSetup of(String layers, String activation, String init, float eta, List<Integer> batches) {
        Activation hidden = Activation.parse(activation);
        if (!hidden.userHidden()) {
            throw new IllegalArgumentException("--activation must be sigmoid, tanh or relu, got " + activation);
        }
        Optimizer.Config sgd = new Optimizer.Config(Optimizer.Kind.SGD, 0.9f, 0.9f, 0.999f);
        return new BenchSetup("custom", Architecture.parse(layers, hidden, Activation.SOFTMAX), Init.parse(init), eta,
                batches, sgd, 0f, 0f, Cost.CROSS_ENTROPY);
    }

    Activation hidden() {
        return architecture.activations().stream().filter(Activation::userHidden).findFirst().orElse(Activation.SIGMOID);
    }

    TrainConfig training(int epochs, int batch) {
        return new TrainConfig(epochs, batch, eta, cost).withOptimizer(optimizer).withDropout(dropout).withL2(l2);
    }

    /** Whether the numpy peer runs it: its plain-SGD sigmoid MLP with a softmax output and fan-in weights. */
    boolean numpyRuns() {
        return !architecture.convolutional() && hidden() == Activation.SIGMOID && init == Init.FAN_IN
                && optimizer.kind() == Optimizer.Kind.SGD && dropout == 0f && l2 == 0f
                && architecture.output() == Activation.SOFTMAX && cost == Cost.CROSS_ENTROPY;
    }

    /** The PyTorch peer's flags for the same work. */
    List<String> torchArguments() {
        return new ArrayList<>(List.of("--activation", hidden().id(), "--init", init.id(), "--output",
                architecture.output().id(), "--cost", cost.id(), "--optimizer", optimizer.kind().id(), "--momentum",
                String.valueOf(optimizer.momentum()), "--beta1", String.valueOf(optimizer.beta1()), "--beta2",
                String.valueOf(optimizer.beta2()), "--dropout", String.valueOf(dropout), "--l2", String.valueOf(l2)));
    }

    String describe() {
        return architecture.text() + " " + hidden().id() + " hidden, " + architecture.output().id() + " output, "
                + cost.id() + ", " + init.id() + " init, " + optimizer.kind().id() + ", eta " + eta
                + (dropout > 0 ? ", dropout " + dropout : "") + (l2 > 0 ? ", L2 " + l2 : "") + " (" + name
                + "; constant eta, no augmentation)";
    }
}
