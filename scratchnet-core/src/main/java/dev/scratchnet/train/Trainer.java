package dev.scratchnet.train;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.DataException;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
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

    /** Examples per epoch at most: a checkpoint keeps the shuffle order as float32, exact below 2²⁴. */
    static final int MAX_EXAMPLES = 1 << 24;

    private final Network network;
    private final TrainConfig config;
    private final Compute compute;
    private final Backprop backprop;
    private final Evaluator evaluator;
    private final Optimizer optimizer;
    private final MiniBatch batch;
    private final EpochRunner runner;
    private float eta;
    private int trainingSize = 1;
    private Random random = new Random(0);

    public Trainer(Network network, TrainConfig config, Compute compute) {
        this(network, config, compute, null);
    }

    /** A trainer whose epochs {@code runner} trains (elsewhere), or this trainer itself when it is null. */
    public Trainer(Network network, TrainConfig config, Compute compute, EpochRunner runner) {
        this.runner = runner;
        this.network = network;
        this.config = config;
        this.compute = compute;
        this.backprop = new Backprop(network, config.batchSize(), config.dropout());
        this.evaluator = new Evaluator(network, Math.min(Evaluation.BATCH, network.maxBatch()));
        this.optimizer = new Optimizer(config.optimizer());
        this.batch = new MiniBatch(config.batchSize(), network.inputSize(), config.augmentation());
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
     * whole epoch, for checkpoints: an epoch cut short by a stop request is not handed on, so a run resumed
     * from the last state equals the uninterrupted one.
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
            EpochRunner.Pass pass = runner == null ? trainEpoch(training, order, epoch, listener, stopRequested)
                    : runner.train(network, optimizer, epoch, eta, listener, stopRequested);
            if (pass.stopped() && pass.done() == 0) {
                stopped = true; // stopped before the epoch began: nothing to evaluate or record
                break;
            }
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
            if (pass.done() == order.length) { // stopped mid-epoch, the last state handed on stays the last whole epoch's
                afterEpoch.accept(new State(List.copyOf(history), optimizer.state(), order.clone(), rate.state(),
                        best.accuracy(), best.epoch(), best.parameters()));
            }
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
        if ((long) training.size() * config.augmentation().copies() > MAX_EXAMPLES) {
            throw new DataException(training.name() + " has " + training.size() + " training images, "
                    + config.augmentation().copies() + " examples each with --augment " + config.augmentation().id()
                    + "; at most " + MAX_EXAMPLES + " examples per epoch are supported (checkpoints keep the order as"
                    + " float32); use fewer images or another --augment");
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
                    + " training examples per epoch, this run has " + order.length
                    + "; use the same data, --validation and --augment");
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

    private EpochRunner.Pass trainEpoch(Dataset training, int[] order, int epoch, TrainingListener listener,
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
                return new EpochRunner.Pass(cost, done, true);
            }
        }
        return new EpochRunner.Pass(cost, done, false);
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

    /**
     * Trains on examples {@code order[from .. to)} in mini-batches, as one worker of data-parallel training
     * does with its share of an epoch: at step size {@code eta}, with L2's and L1's n the whole run's
     * {@code examplesPerEpoch}, drawing dropout masks and distortions from {@code random}. Returns the summed cost.
     */
    public double train(Dataset training, int[] order, int from, int to, float eta, int examplesPerEpoch,
                        Random random) {
        this.eta = eta;
        this.trainingSize = examplesPerEpoch;
        this.random = random;
        double cost = 0;
        for (int done = from; done < to; done += config.batchSize()) {
            cost += step(training, order, done, Math.min(config.batchSize(), to - done));
        }
        return cost;
    }

    /** The optimizer, whose state a worker of data-parallel training starts from and hands back. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Trains on one mini-batch of examples order[from .. from+rows); returns their summed cost. */
    double step(Dataset training, int[] order, int from, int rows) {
        batch.gather(training, order, from, rows, random, compute);
        float[] x = batch.inputs();
        int[] labels = batch.labels();
        if (config.dropout() > 0f) {
            backprop.drawMasks(random, rows);
        }
        if (config.plainSgd()) {
            float decay = 1f - eta * config.l2() / trainingSize; // L2, book eq. 93: w ← (1 − ηλ/n)·w − (η/m)·∂C₀/∂w
            return backprop.sgdStep(compute, x, labels, rows, config.cost(), eta, decay);
        }
        double cost = backprop.run(compute, x, labels, rows, config.cost());
        optimizer.step(compute, network.parameters(), eta, 1f / rows, config.l2() / trainingSize,
                config.l1() / trainingSize, config.clipNorm());
        return cost;
    }

    /** Fisher–Yates, drawing from the seeded generator (scratchnet-spark's workers shuffle their shards with it too). */
    public static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
