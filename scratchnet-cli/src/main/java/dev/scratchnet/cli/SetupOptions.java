package dev.scratchnet.cli;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.train.Optimizer;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.Schedule;
import dev.scratchnet.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The model and training flags of {@code train}, and how they combine with a preset: flags beside
 * {@code --preset} override just their values; without it they start from the plain base; with no flag at
 * all, the {@code default} preset runs.
 */
final class SetupOptions {

    @Option(names = "--preset", paramLabel = "NAME", description = "default, book-ch1, book-ch3, book-ch6, cnn, mlp-plain or mlp-best.")
    String preset;

    @Option(names = "--layers", paramLabel = "LAYERS", description = "Layers, input first: 784,30,10, or a conv net "
            + "such as 1x28x28,conv5x5:20,maxpool2,conv5x5:40,maxpool2,100,10 (convKxK:F[:sS][:pP], maxpoolK, N).")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", description = "Hidden layers: sigmoid, tanh or relu.")
    String activation;

    @Option(names = "--output", paramLabel = "NAME", description = "Output layer: sigmoid or softmax.")
    String output;

    @Option(names = "--cost", paramLabel = "NAME", description = "quadratic or cross-entropy.")
    String cost;

    @Option(names = "--init", paramLabel = "NAME",
            description = "normal (N(0,1)), fan-in (N(0,1/n_in)), xavier (N(0,2/(n_in+n_out))) or he (N(0,2/n_in)).")
    String init;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data.")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "M", description = "Mini-batch size.")
    Integer batch;

    @Option(names = "--eta", paramLabel = "ETA", description = "Learning rate (the schedule's starting value).")
    Float eta;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum, nesterov, adam or rmsprop.")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "MU", description = "Momentum of momentum and nesterov (default 0.9).")
    Float momentum;

    @Option(names = "--beta1", paramLabel = "B1", description = "Adam's first-moment decay (default 0.9).")
    Float beta1;

    @Option(names = "--beta2", paramLabel = "B2", description = "Adam's second-moment decay (default 0.999); RMSprop's decay (default 0.9).")
    Float beta2;

    @Option(names = "--clip-norm", paramLabel = "C", description = "Scale gradients down to this L2 norm (default: off).")
    Float clipNorm;

    @Option(names = "--l2", paramLabel = "LAMBDA", description = "L2 regularization λ, the book's (λ/2n)Σw² (default 0).")
    Float l2;

    @Option(names = "--l1", paramLabel = "LAMBDA", description = "L1 regularization λ, (λ/n)Σ|w| (default 0).")
    Float l1;

    @Option(names = "--dropout", paramLabel = "P", description = "Drop hidden neurons with probability P in training (default 0).")
    Float dropout;

    @Option(names = "--schedule", paramLabel = "NAME", description = "constant, step, cosine or book (default constant).")
    String schedule;

    @Option(names = "--step-every", paramLabel = "N", description = "Epochs between steps of the step schedule (default 10).")
    Integer stepEvery;

    @Option(names = "--step-factor", paramLabel = "F", description = "Multiplier per step of the step schedule (default 0.5).")
    Float stepFactor;

    @Option(names = "--patience", paramLabel = "N", description = "Book schedule: halve eta after N epochs without a better validation accuracy (default 10).")
    Integer patience;

    @Option(names = "--halvings", paramLabel = "N", description = "Book schedule: stop after N halvings (default 7).")
    Integer halvings;

    @Option(names = "--early-stop", paramLabel = "N", description = "Stop after N epochs without a better validation accuracy; keep the best weights.")
    Integer earlyStop;

    @Option(names = "--augment", paramLabel = "NAME",
            description = "Augment the training images: none, expand (the book's expand_mnist: every image plus its four one-pixel shifts, 5x the examples per epoch), shift (one of those five drawn afresh per image and epoch) or elastic (default none).")
    String augment;

    /** The preset named, else the plain base when any model flag is given, else the default preset. */
    Preset resolve(int validation) {
        boolean anyModelFlag = Stream.of(layers, activation, output, cost, init, epochs, batch, eta, optimizer,
                momentum, beta1, beta2, clipNorm, l2, l1, dropout, schedule, stepEvery, stepFactor, patience, halvings,
                earlyStop, augment).anyMatch(Objects::nonNull);
        Preset base = preset != null ? Preset.named(preset) : anyModelFlag ? Preset.PLAIN : Preset.DEFAULT;
        TrainConfig t = base.training();
        Optimizer.Kind kind = optimizer == null ? t.optimizer().kind() : Optimizer.Kind.parse(optimizer);
        float defaultBeta2 = kind == Optimizer.Kind.RMSPROP && t.optimizer().kind() != kind ? 0.9f : t.optimizer().beta2();
        Optimizer.Config opt = new Optimizer.Config(kind, or(momentum, t.optimizer().momentum()),
                or(beta1, t.optimizer().beta1()), or(beta2, defaultBeta2));
        Schedule sched = new Schedule(schedule == null ? t.schedule().kind() : Schedule.Kind.parse(schedule),
                or(stepEvery, t.schedule().every()), or(stepFactor, t.schedule().factor()),
                or(patience, t.schedule().patience()), or(halvings, t.schedule().halvings()));
        TrainConfig training = t.withEpochs(or(epochs, t.epochs())).withBatchSize(or(batch, t.batchSize()))
                .withLearningRate(or(eta, t.learningRate())).withCost(cost == null ? t.cost() : Cost.parse(cost))
                .withOptimizer(opt).withL2(or(l2, t.l2())).withL1(or(l1, t.l1())).withDropout(or(dropout, t.dropout()))
                .withClipNorm(or(clipNorm, t.clipNorm())).withSchedule(sched).withEarlyStop(or(earlyStop, t.earlyStop()))
                .withMonitor(false).withAugmentation(augment == null ? t.augmentation() : Augmentation.parse(augment));
        Preset setup = new Preset(base.name(), layers == null ? base.layers() : layers,
                activation == null ? base.hidden() : Activation.parse(activation),
                output == null ? base.output() : Activation.parse(output),
                init == null ? defaultInit(base, activation) : Init.parse(init), training);
        if (!setup.hidden().userHidden()) {
            throw new IllegalArgumentException("--activation must be sigmoid, tanh or relu, got " + setup.hidden().id());
        }
        if (!setup.output().allowedInOutputLayer()) {
            throw new IllegalArgumentException("--output must be sigmoid or softmax, got " + setup.output().id());
        }
        training.checkValidation(validation > 0); // before the data is loaded, so the mistake is told at once
        setup.architecture(); // so is a stack of layers that cannot work
        return setup;
    }

    /**
     * The base's init, except that a custom network with ReLU hidden layers starts from he (N(0, 2/n_in)):
     * fan-in's N(0, 1) biases suit the book's sigmoid layers, not ReLU conv nets (the book net, 5 epochs:
     * 98.35% with fan-in, 99.09% with he).
     */
    private Init defaultInit(Preset base, String activation) {
        boolean relu = activation != null && Activation.parse(activation) == Activation.RELU;
        return base == Preset.PLAIN && relu ? Init.HE : base.init();
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
