package dev.scratchnet.train;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.DataException;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Mini-batch stochastic gradient descent (network.py's and network2.py's SGD, and what came after): each
 * epoch shuffles the training data with the run's generator, then for every mini-batch of m examples takes
 * one step of the configured optimizer along g = (1/m)·Σ_x ∇C₀(x) + regularization, with g from
 * {@link Backprop}.
 *
 * <p>Regularization, with n the training-set size: L2 adds (λ/n)·w to g, which for plain SGD is the book's
 * rescaling w ← (1 − ηλ/n)·w − η·∂C₀/∂w (eq. 93); L1 adds (λ/n)·sgn(w) (eq. 97). Biases are not
 * regularized. Clipping scales g down to the given L2 norm, over all tensors together. Plain SGD (L2
 * and dropout allowed) runs fused into backpropagation; every other setup stores the gradients first.
 *
 * <p>All buffers are made once, so a step allocates nothing.
 */
public final class Trainer {

    private final Network network;
    private final TrainConfig config;
    private final Compute compute;
    private final Backprop backprop;
    private final Evaluator evaluator;
    private final Optimizer optimizer;
    private final float[] x;
    private final int[] labels;
    private final SplitMix64 distortions = new SplitMix64(0);
    private float[] augmentScratch = new float[0];
    private float eta;
    private int trainingSize = 1;
    private Random random = new Random(0);

    public Trainer(Network network, TrainConfig config, Compute compute) {
        this.network = network;
        this.config = config;
        this.compute = compute;
        this.backprop = new Backprop(network, config.batchSize(), config.dropout());
        this.evaluator = new Evaluator(network, Math.min(Evaluation.BATCH, network.maxBatch()));
        this.optimizer = new Optimizer(config.optimizer());
        this.x = new float[config.batchSize() * network.inputSize()];
        this.labels = new int[config.batchSize()];
        this.eta = config.learningRate();
    }

    /**
     * Every epoch's metrics; whether training stopped before its last epoch (Ctrl-C, early stopping or the
     * book schedule); and the test accuracy of the weights the network holds at the end (with early
     * stopping, the best-validation weights, which are restored).
     */
    public record Result(List<EpochMetrics> epochs, boolean stopped, double finalTestAccuracy) {
        public double bestTestAccuracy() {
            return epochs.stream().mapToDouble(EpochMetrics::testAccuracy).max().orElse(Double.NaN);
        }
    }

    /**
     * Everything a run needs to continue after {@code epoch} as if never interrupted: the epochs so far, the
     * optimizer's state, the shuffle order (each epoch permutes the last one's), the schedule's and early
     * stopping's bookkeeping, and the best-validation parameters by name. The run's generator is the caller's.
     */
    public record State(List<EpochMetrics> history, Optimizer.State optimizer, int[] order, double[] schedule,
                        double bestAccuracy, int bestEpoch, Map<String, float[]> best) {
        public int epoch() {
            return history.size();
        }
    }

    /** Trains with no listener and no way to stop early. */
    public Result fit(Splits splits, Random random) {
        return fit(splits, random, new TrainingListener() { }, () -> false);
    }

    /**
     * Trains for the configured epochs, evaluating on the validation and test sets after each one. When
     * {@code stopRequested} turns true, stops after the current mini-batch and evaluates what was trained.
     *
     * @param random the run's generator, which shuffles the training data each epoch (and draws dropout
     *               masks); as in network.py, one seeded generator serves a whole run: the caller
     *               initializes the network from it first
     */
    public Result fit(Splits splits, Random random, TrainingListener listener, BooleanSupplier stopRequested) {
        return fit(splits, random, listener, stopRequested, null, state -> { });
    }

    /**
     * Trains as above, continuing from {@code resume} when it is not null (after restoring the weights and
     * the run's generator, which the caller owns), and handing {@code afterEpoch} the state after every
     * epoch, for checkpoints.
     */
    public Result fit(Splits splits, Random random, TrainingListener listener, BooleanSupplier stopRequested,
                      State resume, java.util.function.Consumer<State> afterEpoch) {
        Dataset training = splits.training();
        checkData(splits);
        this.random = random;
        int[] order = new int[training.size() * config.augmentation().copies()]; // example k: image k / copies
        this.trainingSize = order.length;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Schedule.Rate rate = new Schedule.Rate(config.schedule(), config.learningRate(), config.epochs());
        BestWeights best = new BestWeights(network);
        List<EpochMetrics> history = new ArrayList<>();
        if (resume != null) {
            resume(resume, order, rate, best, history);
        }
        boolean stopped = false;
        for (int epoch = history.size() + 1; epoch <= config.epochs() && !stopped; epoch++) {
            eta = rate.eta(epoch);
            long start = System.nanoTime();
            shuffle(order, random);
            Pass pass = trainEpoch(training, order, epoch, listener, stopRequested);
            checkFinite(epoch);
            stopped = pass.stopped();
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochMetrics metrics = evaluate(splits, epoch, pass.cost() / Math.max(pass.done(), 1), seconds, pass.done());
            history.add(metrics);
            listener.onEpoch(metrics);
            double validation = metrics.validationAccuracy().orElse(Double.NaN);
            if (config.earlyStop() > 0) {
                best.offer(epoch, validation);
                stopped |= epoch - best.epoch() >= config.earlyStop();
            }
            stopped |= rate.afterEpoch(validation);
            afterEpoch.accept(new State(List.copyOf(history), optimizer.state(), order.clone(), rate.state(),
                    best.accuracy(), best.epoch(), best.parameters()));
        }
        return finish(splits, history, best, stopped);
    }

    /** The result; with early stopping, after restoring the best-validation parameters and testing them. */
    private Result finish(Splits splits, List<EpochMetrics> history, BestWeights best, boolean stopped) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("the checkpoint already holds all " + config.epochs()
                    + " epochs; raise --epochs to train on");
        }
        double finalTest = history.get(history.size() - 1).testAccuracy();
        if (config.earlyStop() > 0 && best.epoch() != history.size()) {
            best.restore(network);
            finalTest = evaluator.evaluate(compute, splits.test(), null).accuracy();
        }
        return new Result(List.copyOf(history), stopped, finalTest);
    }

    private void checkData(Splits splits) {
        Dataset training = splits.training();
        if (training.imageSize() != network.inputSize()) {
            throw new DataException("the network takes " + network.inputSize() + " inputs but " + training.name()
                    + " images have " + training.imageSize() + " pixels; make --layers start with "
                    + training.imageSize());
        }
        if (config.augmentation() != Augmentation.NONE && training.imageRows() != training.imageCols()) {
            throw new DataException("--augment " + config.augmentation().id() + " takes square images; "
                    + training.name() + "'s are " + training.imageRows() + " × " + training.imageCols());
        }
        config.checkValidation(splits.validation().isPresent());
    }

    private void resume(State resume, int[] order, Schedule.Rate rate, BestWeights best, List<EpochMetrics> history) {
        if (resume.order().length != order.length) {
            throw new IllegalArgumentException("the checkpoint was made on " + resume.order().length
                    + " training images, this run has " + order.length + "; use the same data and --validation");
        }
        history.addAll(resume.history());
        System.arraycopy(resume.order(), 0, order, 0, order.length);
        optimizer.restore(resume.optimizer());
        rate.restore(resume.schedule());
        best.restore(resume);
    }

    /** A parameter that is no longer a finite number means the run diverged, even if the cost stayed finite. */
    private void checkFinite(int epoch) {
        for (Parameter p : network.parameters()) {
            for (float v : p.values()) {
                if (!Float.isFinite(v)) {
                    throw new TrainingException(p.name() + " became " + v + " in epoch " + epoch
                            + "; training diverged: try a smaller --eta (now " + eta + ")");
                }
            }
        }
    }

    /** One epoch's training: the summed cost, the examples seen, and whether a stop was requested. */
    private record Pass(double cost, int done, boolean stopped) {
    }

    private Pass trainEpoch(Dataset training, int[] order, int epoch, TrainingListener listener,
                            BooleanSupplier stopRequested) {
        double cost = 0;
        int done = 0;
        while (done < order.length) {
            int rows = Math.min(config.batchSize(), order.length - done);
            double batchCost = step(training, order, done, rows);
            if (!Double.isFinite(batchCost)) {
                throw new TrainingException("the cost became " + batchCost + " in epoch " + epoch
                        + "; training diverged: try a smaller --eta (now " + eta + ")");
            }
            cost += batchCost;
            done += rows;
            listener.onBatch(epoch, done, order.length);
            if (stopRequested.getAsBoolean()) {
                return new Pass(cost, done, true);
            }
        }
        return new Pass(cost, done, false);
    }

    private EpochMetrics evaluate(Splits splits, int epoch, double trainCost, double seconds, int done) {
        OptionalDouble validation = OptionalDouble.empty();
        OptionalDouble validationCost = OptionalDouble.empty();
        if (splits.validation().isPresent()) {
            Evaluation v = evaluator.evaluate(compute, splits.validation().get(), config.monitor() ? config.cost() : null);
            validation = OptionalDouble.of(v.accuracy());
            validationCost = config.monitor() ? OptionalDouble.of(v.meanCost()) : OptionalDouble.empty();
        }
        OptionalDouble trainAccuracy = config.monitor()
                ? OptionalDouble.of(evaluator.evaluate(compute, splits.training(), null).accuracy())
                : OptionalDouble.empty();
        double test = evaluator.evaluate(compute, splits.test(), null).accuracy();
        return new EpochMetrics(epoch, trainCost, validation, test, seconds, done, eta, trainAccuracy, validationCost);
    }

    /** Trains on one mini-batch of examples order[from .. from+rows); returns their summed cost. */
    double step(Dataset training, int[] order, int from, int rows) {
        gather(training, order, from, rows);
        if (config.dropout() > 0f) {
            backprop.drawMasks(random, rows);
        }
        if (config.plainSgd()) {
            float decay = 1f - eta * config.l2() / trainingSize; // L2, book eq. 93: w ← (1 − ηλ/n)·w − (η/m)·∂C₀/∂w
            return backprop.sgdStep(compute, x, labels, rows, config.cost(), eta, decay);
        }
        double cost = backprop.run(compute, x, labels, rows, config.cost());
        float perExample = 1f / rows;
        List<Parameter> parameters = network.parameters();
        if (config.clipNorm() == 0f) { // regularization inside the update: one pass over each parameter
            optimizer.beginStep();
            for (int i = 0; i < parameters.size(); i++) { // index loops: no iterator per step
                optimizer.update(compute, parameters.get(i), eta, perExample, config.l2() / trainingSize,
                        config.l1() / trainingSize);
            }
            return cost;
        }
        clippedUpdate(parameters, perExample);
        return cost;
    }

    /** Copies the mini-batch's images into x (each distorted or shifted as configured) and labels. */
    void gather(Dataset training, int[] order, int from, int rows) {
        int n = network.inputSize();
        int side = training.imageCols();
        Augmentation augmentation = config.augmentation();
        if (augmentation.draws()) {
            distortions.reseed(random.nextLong());
        }
        if (augmentation != Augmentation.NONE && augmentScratch.length == 0) { // the data set gives the size
            augmentScratch = new float[Augmentation.scratchSize(side)];
        }
        int copies = augmentation.copies();
        for (int r = 0; r < rows; r++) {
            int k = order[from + r];
            int i = k / copies; // expand: example k is image k / 5 shifted in direction k mod 5
            training.image(i, x, r * n);
            if (copies > 1) {
                Augmentation.shift(x, r * n, side, k % copies, augmentScratch);
            }
            augmentation.apply(x, r * n, side, distortions, augmentScratch);
            labels[r] = training.label(i);
        }
    }

    /** The inputs of the last mini-batch gathered, one example per row (for tests). */
    float[] batchInputs() {
        return x;
    }

    /** With --clip-norm: the whole regularized gradient first, for its norm; then the update. */
    private void clippedUpdate(List<Parameter> parameters, float perExample) {
        double squares = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.decays()) {
                regularize(p.values(), p.gradient(), perExample);
            } else {
                scale(p.gradient(), perExample);
            }
            squares += sumOfSquares(p.gradient());
        }
        float clip = squares > (double) config.clipNorm() * config.clipNorm()
                ? (float) (config.clipNorm() / Math.sqrt(squares)) : 1f; // g ← g·c/‖g‖ when ‖g‖ > c
        optimizer.beginStep();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (clip != 1f) {
                scale(p.gradient(), clip);
            }
            optimizer.update(compute, p, eta);
        }
    }

    /** g ← g/m + (λ₂/n)·w + (λ₁/n)·sgn(w), in place. */
    private void regularize(float[] w, float[] g, float perExample) {
        float l2 = config.l2() / trainingSize;
        float l1 = config.l1() / trainingSize;
        for (int i = 0; i < g.length; i++) {
            g[i] = g[i] * perExample + l2 * w[i] + l1 * Math.signum(w[i]);
        }
    }

    private static void scale(float[] values, float factor) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= factor;
        }
    }

    private static double sumOfSquares(float[] values) {
        double s = 0;
        for (float v : values) {
            s += (double) v * v;
        }
        return s;
    }

    /** Fisher–Yates, drawing from the seeded generator. */
    static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
