package dev.scratchnet.cli;

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
import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.Trainer;
import dev.scratchnet.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
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

    @Option(names = "--preset", paramLabel = "NAME", description = "default or book-ch1.")
    String preset;

    @Option(names = "--layers", paramLabel = "SIZES", description = "Layer sizes, input first, e.g. 784,30,10.")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", description = "Hidden layers: sigmoid, tanh or relu.")
    String activation;

    @Option(names = "--output", paramLabel = "NAME", description = "Output layer: sigmoid or softmax.")
    String output;

    @Option(names = "--cost", paramLabel = "NAME", description = "quadratic or cross-entropy.")
    String cost;

    @Option(names = "--init", paramLabel = "NAME", description = "normal (N(0,1)) or fan-in (N(0,1/n_in)).")
    String init;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data.")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "M", description = "Mini-batch size.")
    Integer batch;

    @Option(names = "--eta", paramLabel = "ETA", description = "Learning rate.")
    Float eta;

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

        out.printf(Locale.ROOT, "Training %s on %s: layers %s, %s hidden, %s output, %s cost, %s init, "
                        + "eta %s, batch %d, %d epochs, seed %d, %d thread(s)%n", setup.name(), dataset,
                arch.sizesText(), setup.hidden().id(), setup.output().id(), setup.cost().id(), setup.init().id(),
                setup.eta(), setup.batch(), setup.epochs(), seed, threadCount);
        out.printf(Locale.ROOT, "Data: %,d training, %,d validation, %,d test images%n", splits.training().size(),
                splits.validation().map(d -> d.size()).orElse(0), splits.test().size());

        Random random = new Random(seed); // one generator for the run: initialization, then every shuffle
        Network network = Network.create(arch, setup.init(), random);
        MetricsFile metricsFile = metrics == null ? null : new MetricsFile(metrics);
        Progress progress = new Progress(out, Progress.isTerminal(), setup.epochs());
        Trainer.Result result;
        try (Compute compute = new Compute(threadCount); StopSignal stop = new StopSignal()) {
            Trainer trainer = new Trainer(network, setup.trainConfig(), compute);
            result = trainer.fit(splits, random, both(progress, metricsFile), stop::requested);
            finish(out, result, setup, network, loaded, modelPath, metricsFile);
        }
        return 0;
    }

    private void finish(PrintWriter out, Trainer.Result result, Preset setup, Network network, DatasetStore.Loaded loaded,
                        Path modelPath, MetricsFile metricsFile) throws java.io.IOException {
        List<EpochMetrics> epochs = result.epochs();
        double finalAccuracy = epochs.get(epochs.size() - 1).testAccuracy();
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

    /** The preset named, else the plain base when any model flag is given, else the default preset. */
    Preset resolveSetup() {
        boolean anyModelFlag = layers != null || activation != null || output != null || cost != null || init != null
                || epochs != null || batch != null || eta != null;
        Preset base = preset != null ? Preset.named(preset) : anyModelFlag ? Preset.PLAIN : Preset.DEFAULT;
        Preset setup = base.with(layers == null ? null : parseLayers(layers),
                activation == null ? null : Activation.parse(activation),
                output == null ? null : Activation.parse(output), cost == null ? null : Cost.parse(cost),
                init == null ? null : Init.parse(init), epochs, batch, eta);
        if (!setup.hidden().allowedInHiddenLayer()) {
            throw new IllegalArgumentException("--activation must be sigmoid, tanh or relu, got " + setup.hidden().id());
        }
        if (!setup.output().allowedInOutputLayer()) {
            throw new IllegalArgumentException("--output must be sigmoid or softmax, got " + setup.output().id());
        }
        setup.trainConfig(); // validates epochs, batch and eta
        return setup;
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
