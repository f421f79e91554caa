package dev.scratchnet.train;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.util.OptionalDouble;

/** Reusable buffers for evaluating one network many times (each epoch) without allocating. */
final class Evaluator {

    private final Network network;
    private final Network.Workspace ws;
    private final float[] x;
    private final int[] labels;

    Evaluator(Network network, int capacity) {
        this.network = network;
        this.ws = new Network.Workspace(network, capacity);
        this.x = new float[capacity * network.inputSize()];
        this.labels = new int[capacity];
    }

    /**
     * An epoch's metrics: what its training measured, then the network's validation and test accuracy as it
     * is now; with {@code monitor} (the run's cost), also the validation cost and the training accuracy.
     */
    EpochMetrics epoch(Compute compute, Splits splits, Trained trained, Cost monitor) {
        OptionalDouble validation = OptionalDouble.empty();
        OptionalDouble validationCost = OptionalDouble.empty();
        if (splits.validation().isPresent()) {
            Evaluation v = evaluate(compute, splits.validation().get(), monitor);
            validation = OptionalDouble.of(v.accuracy());
            validationCost = monitor != null ? OptionalDouble.of(v.meanCost()) : OptionalDouble.empty();
        }
        OptionalDouble trainAccuracy = monitor != null
                ? OptionalDouble.of(evaluate(compute, splits.training(), null).accuracy())
                : OptionalDouble.empty();
        double test = evaluate(compute, splits.test(), null).accuracy();
        return new EpochMetrics(trained.epoch(), trained.cost(), validation, test, trained.seconds(),
                trained.examples(), trained.eta(), trainAccuracy, validationCost);
    }

    /** What an epoch's training measured, before its evaluation: the mean cost, seconds, examples and η. */
    record Trained(int epoch, double cost, double seconds, int examples, float eta) {
    }

    /** Classifies every example; also sums the cost when {@code cost} is given. */
    Evaluation evaluate(Compute compute, Dataset data, Cost cost) {
        double costSum = 0;
        int classes = network.outputSize();
        int[][] confusion = new int[classes][classes];
        int capacity = ws.capacity();
        int n = network.inputSize();
        for (int start = 0; start < data.size(); start += capacity) {
            int rows = Math.min(capacity, data.size() - start);
            for (int r = 0; r < rows; r++) {
                data.image(start + r, x, r * n);
            }
            float[] out = network.forward(compute, x, rows, ws);
            for (int r = 0; r < rows; r++) {
                labels[r] = data.label(start + r);
                confusion[labels[r]][Network.argmax(out, r * classes, classes)]++;
            }
            if (cost != null) {
                int last = network.layers().size() - 1;
                costSum += cost.total(network.architecture().output(), ws.z(last), out, labels, rows, classes);
            }
        }
        return Evaluation.of(confusion, data.size(), cost == null ? Double.NaN : costSum / data.size());
    }
}
