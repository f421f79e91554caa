package dev.scratchnet.cli;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.DataException;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.Splits;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.Checkpoint;
import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.Optimizer;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.Schedule;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import dev.scratchnet.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet train}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network by mini-batch SGD and save it.",
            "With no flags: the 'default' preset on MNIST. Model and training flags given beside --preset override "
                    + "just those values; given without --preset they start from a plain base "
                    + "([784,30,10] sigmoid, softmax output, cross-entropy, fan-in init, eta 0.5, batch 10, 30 epochs)."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--preset", paramLabel = "NAME", description = "default, book-ch1, book-ch3, mlp-plain or mlp-best.")
    String preset;

    @Option(names = "--layers", paramLabel = "SIZES", description = "Layer sizes, input first, e.g. 784,30,10.")
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
            description = "Distort training images each epoch: none, shift (one pixel, as the book) or elastic (default none).")
    String augment;

    @Option(names = "--monitor", description = "Also measure training accuracy and validation cost each epoch (slower).")
    boolean monitor;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--validation", paramLabel = "N", defaultValue = "10000",
            description = "Training images held out for validation, from the end (default: ${DEFAULT-VALUE}; 0 trains on all).")
    int validation;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seeds initialization and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--save", paramLabel = "FILE", description = "Where to save the model (default: models/DATASET-PRESET.safetensors).")
    Path save;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Write one JSON line per epoch, then a final line.")
    Path metrics;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "After every epoch, save weights, optimizer state and progress to FILE (atomically).")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run saved by --checkpoint; give the same command it was started with.")
    Path resume;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "Start from a saved model's weights (fine-tuning).")
    Path initFrom;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Preset setup = resolveSetup();
        Architecture arch = setup.architecture();
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threadCount);
        }
        DatasetStore.Loaded loaded = data.load(data.spec("mnist"), spec.commandLine().getErr());
        String dataset = loaded.spec().name();
        checkShape(arch, loaded);
        Splits splits = Splits.of(loaded.training(), loaded.test(), validation);
        Path modelPath = save != null ? save : Path.of("models", dataset + "-" + setup.name() + ".safetensors");

        TrainConfig t = setup.training();
        out.printf(Locale.ROOT, "Training %s on %s: layers %s, %s hidden, %s output, %s cost, %s init, "
                        + "%s, eta %s (%s schedule), batch %d, %d epochs%s%s%s, seed %d, %d thread(s)%n", setup.name(),
                dataset, arch.sizesText(), setup.hidden().id(), setup.output().id(), t.cost().id(), setup.init().id(),
                t.optimizer().kind().id(), t.learningRate(), t.schedule().kind().id(), t.batchSize(), t.epochs(),
                t.l2() > 0 ? ", l2 " + t.l2() : "", t.l1() > 0 ? ", l1 " + t.l1() : "",
                t.dropout() > 0 ? ", dropout " + t.dropout() : "", seed, threadCount);
        if (t.augmentation() != Augmentation.NONE) {
            out.println("Augmentation: " + t.augmentation().id() + ", drawn afresh for every image in every epoch");
        }
        out.printf(Locale.ROOT, "Data: %,d training, %,d validation, %,d test images%n", splits.training().size(),
                splits.validation().map(d -> d.size()).orElse(0), splits.test().size());

        Random random = new Random(seed); // one generator for the run: initialization, then every shuffle
        Trainer.State resumed = null;
        Network network;
        if (resume != null) {
            Checkpoint.Loaded loadedCheckpoint = Checkpoint.load(resume);
            network = sameArchitecture(loadedCheckpoint.model().network(), arch, "--resume " + resume);
            random = loadedCheckpoint.random();
            resumed = loadedCheckpoint.state();
            out.printf(Locale.ROOT, "Resuming after epoch %d from %s%n", resumed.epoch(), resume);
        } else if (initFrom != null) {
            network = sameArchitecture(ModelFile.load(initFrom).network(), arch, "--init-from " + initFrom);
            out.println("Starting from the weights of " + initFrom);
        } else {
            network = Network.create(arch, setup.init(), random);
        }
        TrainConfig config = withMonitor(setup.training(), monitor);
        MetricsFile metricsFile = metrics == null ? null : new MetricsFile(metrics);
        if (metricsFile != null && resumed != null) {
            resumed.history().forEach(metricsFile::onEpoch); // the resumed file equals the uninterrupted one
        }
        Progress progress = new Progress(out, Progress.isTerminal(), t.epochs());
        Trainer.Result result;
        try (Compute compute = new Compute(threadCount); StopSignal stop = new StopSignal()) {
            Trainer trainer = new Trainer(network, config, compute);
            Random run = random;
            Network trained = network;
            result = trainer.fit(splits, random, both(progress, metricsFile), stop::requested, resumed, state -> {
                if (checkpoint != null) {
                    saveCheckpoint(trained, setup, loaded, state, run);
                }
            });
            finish(out, result, setup, network, loaded, modelPath, metricsFile);
        }
        return 0;
    }

    private void finish(PrintWriter out, Trainer.Result result, Preset setup, Network network, DatasetStore.Loaded loaded,
                        Path modelPath, MetricsFile metricsFile) throws java.io.IOException {
        List<EpochMetrics> epochs = result.epochs();
        double finalAccuracy = result.finalTestAccuracy();
        ModelFile.save(modelPath, network, new ModelInfo(setup.describe(seed), loaded.spec().name(),
                loaded.trainImagesSha256(), ModelInfo.PIXEL_SCALING, loaded.spec().classNames(), finalAccuracy));
        if (metricsFile != null) {
            metricsFile.finish(epochs.size(), finalAccuracy, result.bestTestAccuracy(), result.stopped());
        }
        out.printf(Locale.ROOT, "%s after %d epoch(s): test accuracy %.2f%% (best %.2f%%), %.1f s training%n",
                result.stopped() ? "Stopped" : "Done", epochs.size(), 100 * finalAccuracy,
                100 * result.bestTestAccuracy(), epochs.stream().mapToDouble(EpochMetrics::seconds).sum());
        out.println("Saved " + modelPath);
        out.println("Next: ./scratchnet evaluate --model " + modelPath
                + "   or   ./scratchnet predict --model " + modelPath + " digit.png");
    }

    private void saveCheckpoint(Network network, Preset setup, DatasetStore.Loaded loaded, Trainer.State state,
                                Random random) {
        double accuracy = state.history().get(state.history().size() - 1).testAccuracy();
        try {
            Checkpoint.save(checkpoint, network, new ModelInfo(setup.describe(seed), loaded.spec().name(),
                    loaded.trainImagesSha256(), ModelInfo.PIXEL_SCALING, loaded.spec().classNames(), accuracy), state,
                    random);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    private static Network sameArchitecture(Network network, Architecture wanted, String what) {
        if (!network.architecture().equals(wanted)) {
            throw new IllegalArgumentException(what + " holds a network of layers " + network.architecture().sizesText()
                    + " " + network.architecture().activations().stream().map(Activation::id).toList() + ", but this run's is "
                    + wanted.sizesText() + " " + wanted.activations().stream().map(Activation::id).toList()
                    + "; give the same --preset and model flags");
        }
        return network;
    }

    /** The preset named, else the plain base when any model flag is given, else the default preset. */
    Preset resolveSetup() {
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
        TrainConfig training = new TrainConfig(or(epochs, t.epochs()), or(batch, t.batchSize()), or(eta, t.learningRate()),
                cost == null ? t.cost() : Cost.parse(cost), opt, or(l2, t.l2()), or(l1, t.l1()),
                or(dropout, t.dropout()), or(clipNorm, t.clipNorm()), sched, or(earlyStop, t.earlyStop()), false,
                augment == null ? t.augmentation() : Augmentation.parse(augment));
        Preset setup = new Preset(base.name(), layers == null ? base.layers() : parseLayers(layers),
                activation == null ? base.hidden() : Activation.parse(activation),
                output == null ? base.output() : Activation.parse(output),
                init == null ? base.init() : Init.parse(init), training);
        if (!setup.hidden().allowedInHiddenLayer()) {
            throw new IllegalArgumentException("--activation must be sigmoid, tanh or relu, got " + setup.hidden().id());
        }
        if (!setup.output().allowedInOutputLayer()) {
            throw new IllegalArgumentException("--output must be sigmoid or softmax, got " + setup.output().id());
        }
        if (validation == 0 && training.needsValidation()) {
            throw new IllegalArgumentException("--early-stop and --schedule book need validation data; "
                    + "do not combine them with --validation 0");
        }
        return setup;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static TrainConfig withMonitor(TrainConfig t, boolean monitor) {
        return new TrainConfig(t.epochs(), t.batchSize(), t.learningRate(), t.cost(), t.optimizer(), t.l2(), t.l1(),
                t.dropout(), t.clipNorm(), t.schedule(), t.earlyStop(), monitor, t.augmentation());
    }

    static List<Integer> parseLayers(String text) {
        List<Integer> sizes = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                int size = Integer.parseInt(part.strip());
                if (size < 1) {
                    throw new NumberFormatException();
                }
                sizes.add(size);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--layers must be positive whole numbers separated by commas, "
                        + "e.g. 784,30,10; got '" + text + "'");
            }
        }
        if (sizes.size() < 2) {
            throw new IllegalArgumentException("--layers needs at least an input and an output size, e.g. 784,10; got '"
                    + text + "'");
        }
        return sizes;
    }

    private static void checkShape(Architecture arch, DatasetStore.Loaded loaded) {
        int pixels = loaded.training().imageSize();
        int classes = loaded.spec().classNames().size();
        if (arch.inputSize() != pixels) {
            throw new DataException("--layers starts with " + arch.inputSize() + " but " + loaded.spec().name()
                    + " images have " + pixels + " pixels; start it with " + pixels);
        }
        if (arch.outputSize() != classes) {
            throw new DataException("--layers ends with " + arch.outputSize() + " but " + loaded.spec().name()
                    + " has " + classes + " classes; end it with " + classes);
        }
    }

    private static TrainingListener both(TrainingListener a, TrainingListener b) {
        if (b == null) {
            return a;
        }
        return new TrainingListener() {
            @Override
            public void onBatch(int epoch, int done, int total) {
                a.onBatch(epoch, done, total);
                b.onBatch(epoch, done, total);
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                a.onEpoch(m);
                b.onEpoch(m);
            }
        };
    }
}
