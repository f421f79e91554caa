package dev.scratchnet.cli;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.DataException;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.Splits;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.Checkpoint;
import dev.scratchnet.web.Dashboard;
import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import dev.scratchnet.train.TrainingListener;
import dev.scratchnet.train.WarmUp;
import java.io.PrintWriter;
import java.nio.file.Path;
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
                    + "([784,30,10] sigmoid, softmax output, cross-entropy, fan-in init (he with --activation relu), eta 0.5, batch 10, 30 epochs)."})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    SetupOptions model = new SetupOptions();

    @Option(names = "--monitor", description = "Also measure training accuracy and validation cost each epoch (slower).")
    boolean monitor;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    ScaleOutOptions scaleOut = new ScaleOutOptions();

    @Option(names = "--validation", paramLabel = "N",
            description = "Training images held out for validation, from the end (default: 10000, the book's, or a "
                    + "resumed run's own; 0 trains on all).")
    Integer validation;

    /** The training images this run holds out: --validation, else a resumed run's own, else the book's. */
    private int heldOut = Splits.BOOK_VALIDATION_SIZE;

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

    @Option(names = "--dashboard", description = "Serve live charts of the training on http://127.0.0.1:PORT/ "
            + "and keep them up until Enter is pressed at the end.")
    boolean dashboard;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "The dashboard's port (default: ${DEFAULT-VALUE}).")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Preset setup = checkFlags();
        ScaleOut cluster = scaleOut.check();
        Architecture arch = setup.architecture();
        int threadCount = Threads.count(threads);
        DatasetSpec datasetSpec = data.spec("mnist");
        String dataset = datasetSpec.name();
        Path modelPath = save != null ? save : Path.of("models", dataset + "-" + setup.name() + ".safetensors");
        OutputFiles.check("--save", modelPath);
        OutputFiles.check("--metrics", metrics);
        OutputFiles.check("--checkpoint", checkpoint);
        DatasetStore.Loaded loaded = load(datasetSpec, setup, cluster == null, threadCount);
        checkShape(arch, loaded);
        Checkpoint.Loaded saved = resume == null ? null : Checkpoint.load(resume);
        heldOut = validation != null ? validation // else a resumed run's own split, as its own seed below
                : saved != null ? EvaluationOptions.heldOut(saved.model().info()) : Splits.BOOK_VALIDATION_SIZE;
        Splits splits = Splits.of(loaded.training(), loaded.test(), heldOut);
        if (saved != null) { // the run's own seed: a --spark run's shards and shuffles follow from it
            seed = scaleOut.resumed(saved.model().info().training(), seed,
                    spec.commandLine().getParseResult().hasMatchedOption("--seed"));
        }

        describe(out, setup, dataset, splits, threadCount);
        if (cluster != null) {
            ScaleOutOptions.describe(out, scaleOut);
        }
        Start start = start(out, setup, saved);
        MetricsFile metricsFile = metrics == null ? null : new MetricsFile(metrics);
        if (metricsFile != null && start.resumed() != null) {
            start.resumed().history().forEach(metricsFile::onEpoch); // the resumed file equals the uninterrupted one
        }
        Dashboard board = dashboard ? startDashboard(out, setup.name() + " on " + dataset) : null;
        try (Compute compute = new Compute(threadCount); StopSignal stop = new StopSignal();
             ScaleOut.Session workers = cluster == null ? null : cluster.open(new ScaleOut.Request(scaleOut.master,
                     scaleOut.workers(), scaleOut.averageEvery(), seed, arch, setup.training(), splits.training()), out)) {
            Trainer trainer = new Trainer(start.network(), setup.training().withMonitor(monitor), compute, workers)
                    .evaluateInBackground(true);
            Progress progress = new Progress(out, Progress.isTerminal(), setup.training().epochs());
            TrainingListener chance = Listeners.chanceWarning(spec.commandLine().getErr(), start.network().outputSize(),
                    setup.training().learningRate());
            Trainer.Result result = trainer.fit(splits, start.random(), Listeners.all(progress, metricsFile, board, chance),
                    stop::requested,
                    start.resumed(), checkpoint == null ? null
                            : state -> saveCheckpoint(start.network(), setup, loaded, state, start.random()));
            finish(out, result, setup, start.network(), loaded, modelPath, metricsFile);
            if (board != null) {
                board.finished(String.format(Locale.ROOT, "Done after %d epoch(s): test accuracy %.2f%%; saved %s",
                        result.epochs().size(), 100 * result.finalTestAccuracy(), modelPath));
            }
        }
        if (board != null) {
            out.println("The dashboard stays up; press Enter to stop it.");
            out.flush();
            waitForEnter();
            board.close();
        }
        return 0;
    }

    /**
     * The data set, loaded while a {@link WarmUp} gets the JIT's kernels ready for a run that trains {@code here}
     * on {@code threads} threads (a Spark run trains elsewhere).
     */
    private DatasetStore.Loaded load(DatasetSpec datasetSpec, Preset setup, boolean here, int threads) {
        WarmUp warmUp = here ? WarmUp.start(setup.architecture(), setup.training(), threads) : null;
        try {
            return data.load(datasetSpec, spec.commandLine().getErr());
        } finally {
            if (warmUp != null) {
                warmUp.close();
            }
        }
    }

    /** The run as its model file and checkpoints record it: the setup, the seed, the split and any Spark workers. */
    private java.util.Map<String, Object> describe(Preset setup) {
        java.util.Map<String, Object> training = setup.describe(seed);
        training.put("validation", heldOut);
        return scaleOut.describe(training);
    }

    /** The flags' own checks, which need no data: the resolved configuration, or a one-line error. */
    Preset checkFlags() {
        Preset setup = model.resolve(validation == null ? Splits.BOOK_VALIDATION_SIZE : validation);
        data.spec("mnist"); // a data set's name is checked by name alone
        if (dashboard) {
            ServeCommand.checkPort(port); // before the data is loaded, like every other flag
        }
        Threads.count(threads);
        return setup;
    }

    private void describe(PrintWriter out, Preset setup, String dataset, Splits splits, int threadCount) {
        TrainConfig t = setup.training();
        out.printf(Locale.ROOT, "Training %s on %s: layers %s, %s hidden, %s output, %s cost, %s init, "
                        + "%s, eta %s (%s schedule), batch %d, %d epochs%s%s%s, seed %d, %d thread(s)%n", setup.name(),
                dataset, setup.architecture().text(), setup.hidden().id(), setup.output().id(), t.cost().id(),
                setup.init().id(), t.optimizer().kind().id(), t.learningRate(), t.schedule().kind().id(), t.batchSize(),
                t.epochs(), t.l2() > 0 ? ", l2 " + t.l2() : "", t.l1() > 0 ? ", l1 " + t.l1() : "",
                t.dropout() > 0 ? ", dropout " + t.dropout() : "", seed, threadCount);
        if (t.augmentation() == Augmentation.EXPAND) {
            out.printf(Locale.ROOT, "Augmentation: expand, each training image plus its four one-pixel shifts: "
                    + "%,d examples per epoch%n", splits.training().size() * t.augmentation().copies());
        } else if (t.augmentation() != Augmentation.NONE) {
            out.println("Augmentation: " + t.augmentation().id() + ", drawn afresh for every image in every epoch");
        }
        out.printf(Locale.ROOT, "Data: %,d training, %,d validation, %,d test images%n", splits.training().size(),
                splits.validation().map(d -> d.size()).orElse(0), splits.test().size());
    }

    /** Where a run starts: its network, its generator, and the trainer's state when resuming. */
    private record Start(Network network, Random random, Trainer.State resumed) {
    }

    private Start start(PrintWriter out, Preset setup, Checkpoint.Loaded loaded) {
        Architecture arch = setup.architecture();
        if (loaded != null) {
            out.printf(Locale.ROOT, "Resuming after epoch %d from %s%n", loaded.state().epoch(), resume);
            Network network = sameArchitecture(loaded.model().network(), arch, "--resume " + resume);
            List<String> changed = Preset.differences(loaded.model().info().training(), describe(setup), List.of("epochs", "seed"));
            if (!changed.isEmpty()) { // a preset may have changed since the checkpoint was written
                spec.commandLine().getErr().println("scratchnet: warning: resuming with other training than the checkpoint's: "
                        + String.join(", ", changed) + " (give those flags to keep the checkpoint's)");
            }
            return new Start(network, loaded.random(), loaded.state());
        }
        Random random = new Random(seed); // one generator for the run: initialization, then every shuffle
        if (initFrom != null) {
            Network network = sameArchitecture(ModelFile.load(initFrom).network(), arch, "--init-from " + initFrom);
            out.println("Starting from the weights of " + initFrom);
            return new Start(network, random, null);
        }
        return new Start(Network.create(arch, setup.init(), random), random, null);
    }

    private Dashboard startDashboard(PrintWriter out, String title) {
        Dashboard board = new Dashboard(title);
        try {
            int actual = board.start("127.0.0.1", port);
            out.printf(Locale.ROOT, "Dashboard: http://127.0.0.1:%d/%n", actual);
            out.flush();
            return board;
        } catch (RuntimeException e) {
            board.close();
            throw new IllegalArgumentException("cannot serve the dashboard on port " + port + "; choose another --port");
        }
    }

    private void finish(PrintWriter out, Trainer.Result result, Preset setup, Network network, DatasetStore.Loaded loaded,
                        Path modelPath, MetricsFile metricsFile) throws java.io.IOException {
        List<EpochMetrics> epochs = result.epochs();
        double finalAccuracy = result.finalTestAccuracy();
        ModelFile.save(modelPath, network, new ModelInfo(describe(setup), loaded.spec().name(),
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
            Checkpoint.save(checkpoint, network, new ModelInfo(describe(setup), loaded.spec().name(),
                    loaded.trainImagesSha256(), ModelInfo.PIXEL_SCALING, loaded.spec().classNames(), accuracy), state,
                    random);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("--checkpoint: " + e.getMessage(), e);
        }
    }

    private static Network sameArchitecture(Network network, Architecture wanted, String what) {
        if (!network.architecture().equals(wanted)) {
            throw new IllegalArgumentException(what + " holds a network of layers " + network.architecture().text()
                    + " " + network.architecture().activations().stream().map(Activation::id).toList() + ", but this run's is "
                    + wanted.text() + " " + wanted.activations().stream().map(Activation::id).toList()
                    + "; give the same --preset and model flags");
        }
        return network;
    }

    private static void checkShape(Architecture arch, DatasetStore.Loaded loaded) {
        int pixels = loaded.training().imageSize();
        int classes = loaded.spec().classNames().size();
        Shape images = loaded.training().imageShape();
        if (!arch.input().isFlat() && !arch.input().equals(images)) {
            throw new DataException("--layers starts with " + arch.input() + " but " + loaded.spec().name()
                    + " images are " + images + "; start it with " + images + " (or " + pixels + " for a flat input)");
        }
        if (arch.inputSize() != pixels) {
            throw new DataException("--layers starts with " + arch.inputSize() + " but " + loaded.spec().name()
                    + " images have " + pixels + " pixels; start it with " + pixels);
        }
        if (arch.outputSize() != classes) {
            throw new DataException("--layers ends with " + arch.outputSize() + " but " + loaded.spec().name()
                    + " has " + classes + " classes; end it with " + classes);
        }
    }

    /** Returns when Enter is pressed, or at once when there is no input (a pipe or /dev/null). */
    private static void waitForEnter() {
        try {
            System.in.read();
        } catch (java.io.IOException e) {
            // no input to wait on
        }
    }
}
