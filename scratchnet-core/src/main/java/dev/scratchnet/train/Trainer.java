package dev.scratchnet.train;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

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
    private final MiniBatch batch;
    private final EpochRunner runner;
    private float eta;
    private boolean background;
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
     * Lets {@link #fit} evaluate an epoch on an idle core while the next one trains ({@link BackgroundEvaluation}),
     * where that changes nothing but the wall time: when the epoch's training handed no work to the pool and
     * nothing after the epoch waits on its evaluation (no early stopping, no book schedule, no checkpoints,
     * not the last epoch). The listener then hears of the epoch during the next one's mini-batches, on the
     * caller's thread, with the metrics an evaluation right after it would give. Off unless asked for.
     */
    public Trainer evaluateInBackground(boolean on) {
        this.background = on;
        return this;
    }

    private boolean overlaps(Consumer<State> afterEpoch) {
        return background && afterEpoch == null && runner == null && compute.threads() > 1
                && config.earlyStop() == 0 && !config.schedule().needsValidation();
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
        return fit(splits, random, listener, stopRequested, null, null);
    }

    /**
     * Trains as above, continuing from {@code resume} when it is not null (after restoring the weights and
     * the run's generator, which the caller owns), and handing {@code afterEpoch} the state after every
     * whole epoch, for checkpoints: an epoch cut short by a stop request is not handed on, so a run resumed
     * from the last state equals the uninterrupted one. A null {@code afterEpoch} takes no checkpoints.
     */
    public Result fit(Splits splits, Random random, TrainingListener listener, BooleanSupplier stopRequested,
                      State resume, Consumer<State> afterEpoch) {
        Dataset training = splits.training();
        config.checkData(splits, network.inputSize());
        this.random = random;
        int[] order = new int[training.size() * config.augmentation().copies()]; // example k: image k / copies
        this.trainingSize = order.length;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        AfterEpoch after = new AfterEpoch(new ArrayList<>(), listener, new BestWeights(network),
                new Schedule.Rate(config.schedule(), config.learningRate(), config.epochs()), order, afterEpoch);
        if (resume != null) {
            resume(resume, order, after.rate(), after.best(), after.history());
        }
        boolean stopped = false;
        try (BackgroundEvaluation background = overlaps(afterEpoch) ? new BackgroundEvaluation(network, compute) : null) {
            for (int epoch = after.history().size() + 1; epoch <= config.epochs() && !stopped; epoch++) {
                eta = after.rate().eta(epoch);
                long start = System.nanoTime();
                long shared = compute.sharedWork();
                shuffle(order, random);
                Runnable between = background == null ? () -> { } : () -> after.deliver(background.poll());
                EpochRunner.Pass pass = runner == null ? trainEpoch(training, order, epoch, listener, stopRequested, between)
                        : runner.train(network, optimizer, epoch, eta, listener, stopRequested);
                if (pass.stopped() && pass.done() == 0) {
                    stopped = true; // stopped before the epoch began: nothing to evaluate or record
                    break;
                }
                checkFinite(epoch);
                stopped = pass.stopped();
                Evaluator.Trained trained = new Evaluator.Trained(epoch, pass.cost() / Math.max(pass.done(), 1),
                        (System.nanoTime() - start) / 1e9, pass.done(), eta);
                if (background != null) {
                    after.deliver(background.await()); // the last epoch's, before this one's
                    if (!stopped && epoch < config.epochs() && compute.sharedWork() == shared) {
                        background.start((ev, c) -> ev.epoch(c, splits, trained, monitorCost()));
                        continue;
                    }
                }
                stopped |= after.record(evaluator.epoch(compute, splits, trained, monitorCost()), pass.done(), optimizer,
                        config.earlyStop());
            }
            if (background != null) {
                after.deliver(background.await());
            }
        }
        return finish(splits, after.history(), after.best(), stopped);
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

    /** Trains one epoch here; {@code between} runs after each mini-batch. */
    private EpochRunner.Pass trainEpoch(Dataset training, int[] order, int epoch, TrainingListener listener,
                            BooleanSupplier stopRequested, Runnable between) {
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
            between.run();
            if (stopRequested.getAsBoolean()) {
                return new EpochRunner.Pass(cost, done, true);
            }
        }
        return new EpochRunner.Pass(cost, done, false);
    }

    /** The run's cost when monitoring asks for the validation cost, else null. */
    private Cost monitorCost() {
        return config.monitor() ? config.cost() : null;
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
        float l2 = config.l2() / trainingSize, l1 = config.l1() / trainingSize;
        if (config.clipNorm() == 0f) { // each parameter's step as soon as its gradient is complete
            return backprop.run(compute, x, labels, rows, config.cost(), optimizer.inPass(eta, 1f / rows, l2, l1));
        }
        double cost = backprop.run(compute, x, labels, rows, config.cost());
        optimizer.step(compute, network.parameters(), eta, 1f / rows, l2, l1, config.clipNorm());
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
