package dev.scratchnet.train;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;

/** A network's answers on a data set: accuracy, per-class precision and recall, and the confusion matrix. */
public final class Evaluation {

    /** Rows fed forward at once. */
    static final int BATCH = 500;

    /** The rows {@code network} takes forward at once over {@code data}: BATCH, or fewer where it must. */
    static int batch(Network network, Dataset data) {
        return Math.min(Math.min(BATCH, network.maxBatch()), Math.max(1, data.size()));
    }

    private final int[][] confusion; // [true class][predicted class]
    private final int total;
    private final double meanCost;

    private Evaluation(int[][] confusion, int total, double meanCost) {
        this.confusion = confusion;
        this.total = total;
        this.meanCost = meanCost;
    }

    /** Classifies every example of {@code data} in batches. */
    public static Evaluation of(Network network, Compute compute, Dataset data) {
        return new Evaluator(network, batch(network, data))
                .evaluate(compute, data, null);
    }

    static Evaluation of(int[][] confusion, int total, double meanCost) {
        return new Evaluation(confusion, total, meanCost);
    }

    /** The mean cost C₀ per example, when it was asked for; NaN otherwise. */
    public double meanCost() {
        return meanCost;
    }

    public int total() {
        return total;
    }

    public int correct() {
        int c = 0;
        for (int k = 0; k < confusion.length; k++) {
            c += confusion[k][k];
        }
        return c;
    }

    public double accuracy() {
        return total == 0 ? 0 : (double) correct() / total;
    }

    /** Of the examples predicted as class k, the fraction that are k (NaN when none were). */
    public double precision(int k) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[k];
        }
        return predicted == 0 ? Double.NaN : (double) confusion[k][k] / predicted;
    }

    /** Of the examples of class k, the fraction predicted as k (NaN when there are none). */
    public double recall(int k) {
        int actual = 0;
        for (int v : confusion[k]) {
            actual += v;
        }
        return actual == 0 ? Double.NaN : (double) confusion[k][k] / actual;
    }

    /** confusion()[t][p] counts examples of true class t predicted as p; a copy. */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int k = 0; k < confusion.length; k++) {
            copy[k] = confusion[k].clone();
        }
        return copy;
    }
}
