package dev.scratchnet.train;

import dev.scratchnet.data.DataException;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Mini-batch stochastic gradient descent (network.py's SGD): each epoch shuffles the training data with the
 * run's generator, then for every mini-batch of m examples takes the step
 * w ← w − (η/m) Σ ∂C_x/∂w and b ← b − (η/m) Σ ∂C_x/∂b, the gradients coming from {@link Backprop}.
 *
 * <p>All buffers are made once, so a step allocates nothing.
 */
public final class Trainer {

    private final Network network;
    private final TrainConfig config;
    private final Compute compute;
    private final Backprop backprop;
    private final Evaluator evaluator;
    private final float[] x;
    private final int[] labels;

    public Trainer(Network network, TrainConfig config, Compute compute) {
        this.network = network;
        this.config = config;
        this.compute = compute;
        this.backprop = new Backprop(network, config.batchSize());
        this.evaluator = new Evaluator(network, Evaluation.BATCH);
        this.x = new float[config.batchSize() * network.inputSize()];
        this.labels = new int[config.batchSize()];
    }

    /** Every epoch's metrics, and whether training stopped before its last epoch. */
    public record Result(List<EpochMetrics> epochs, boolean stopped) {
        public double bestTestAccuracy() {
            return epochs.stream().mapToDouble(EpochMetrics::testAccuracy).max().orElse(Double.NaN);
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
     * @param random the run's generator, which shuffles the training data each epoch; as in network.py, one
     *               seeded generator serves a whole run: the caller initializes the network from it first
     */
    public Result fit(Splits splits, Random random, TrainingListener listener, BooleanSupplier stopRequested) {
        Dataset training = splits.training();
        if (training.imageSize() != network.inputSize()) {
            throw new DataException("the network takes " + network.inputSize() + " inputs but " + training.name()
                    + " images have " + training.imageSize() + " pixels; make --layers start with "
                    + training.imageSize());
        }
        int[] order = new int[training.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        List<EpochMetrics> history = new ArrayList<>();
        boolean stopped = false;
        for (int epoch = 1; epoch <= config.epochs() && !stopped; epoch++) {
            long start = System.nanoTime();
            shuffle(order, random);
            double cost = 0;
            int done = 0;
            while (done < order.length) {
                int rows = Math.min(config.batchSize(), order.length - done);
                cost += step(training, order, done, rows);
                done += rows;
                listener.onBatch(epoch, done, order.length);
                if (stopRequested.getAsBoolean()) {
                    stopped = true;
                    break;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            OptionalDouble validation = splits.validation().isPresent()
                    ? OptionalDouble.of(evaluator.evaluate(compute, splits.validation().get()).accuracy())
                    : OptionalDouble.empty();
            double test = evaluator.evaluate(compute, splits.test()).accuracy();
            EpochMetrics metrics = new EpochMetrics(epoch, done == 0 ? Double.NaN : cost / done, validation, test,
                    seconds, done);
            history.add(metrics);
            listener.onEpoch(metrics);
        }
        return new Result(List.copyOf(history), stopped);
    }

    /** Trains on one mini-batch of examples order[from .. from+rows); returns their summed cost. */
    double step(Dataset training, int[] order, int from, int rows) {
        int n = network.inputSize();
        for (int r = 0; r < rows; r++) {
            int i = order[from + r];
            training.image(i, x, r * n);
            labels[r] = training.label(i);
        }
        return backprop.sgdStep(compute, x, labels, rows, config.cost(), config.learningRate()); // w ← w − (η/m)·∂C/∂w
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
