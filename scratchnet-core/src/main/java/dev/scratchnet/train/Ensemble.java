package dev.scratchnet.train;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Names;
import dev.scratchnet.tensor.Compute;
import java.util.ArrayList;
import java.util.List;

/**
 * Several networks voting, as the book's chapter 6 does with five conv nets (99.67%): by default each
 * member's digit counts one vote, the most votes win, and a tie goes to the tied class with the larger summed
 * probability ({@link Rule#PLURALITY}); {@link Rule#MEAN} answers the class of the largest averaged
 * probability instead (soft voting). The ensemble's probabilities are the members' averaged.
 */
public final class Ensemble {

    /** How the members' outputs become one digit. */
    public enum Rule {
        /** One vote per member, ties to the larger summed probability (the book's vote). */
        PLURALITY,
        /** The largest averaged probability (soft voting); ties to the lower digit. */
        MEAN;

        public String id() {
            return Names.id(this);
        }

        public static Rule parse(String id) {
            return Names.parse(Rule.class, "vote", id);
        }
    }

    private final List<Network> members;
    private final Rule rule;

    /** A plurality vote; members must take the same input and have as many outputs. */
    public Ensemble(List<Network> members) {
        this(members, Rule.PLURALITY);
    }

    /** Members voting by {@code rule}; they must take the same input and have as many outputs. */
    public Ensemble(List<Network> members, Rule rule) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one model");
        }
        Network first = members.get(0);
        for (Network n : members) {
            if (!n.architecture().input().equals(first.architecture().input()) || n.outputSize() != first.outputSize()) {
                throw new IllegalArgumentException("the models disagree: one takes " + first.architecture().input()
                        + " and has " + first.outputSize() + " outputs, another takes " + n.architecture().input()
                        + " and has " + n.outputSize());
            }
        }
        this.members = List.copyOf(members);
        this.rule = java.util.Objects.requireNonNull(rule, "rule");
    }

    public Rule rule() {
        return rule;
    }

    /** The ensemble's answer for one input: its digit, averaged probabilities, and each member's digit. */
    public record Vote(int digit, float[] probabilities, int[] digits) {
    }

    /** One test set's result: each member's accuracy, the ensemble's, and the examples it still gets wrong. */
    public record Result(double[] memberAccuracy, int correct, int total, List<Mistake> mistakes) {
        public double accuracy() {
            return total == 0 ? Double.NaN : (double) correct / total;
        }
    }

    /** An example the ensemble gets wrong: its index, true label, the vote and each member's digit. */
    public record Mistake(int index, int label, int digit, int[] digits) {
    }

    public List<Network> members() {
        return members;
    }

    public Vote vote(float[] input) {
        float[][] outputs = new float[members.size()][];
        for (int m = 0; m < members.size(); m++) {
            outputs[m] = members.get(m).predict(input);
        }
        return combine(outputs, 0);
    }

    /** Votes over outputs[m][from .. from + classes) of each member m. */
    private Vote combine(float[][] outputs, int from) {
        int classes = members.get(0).outputSize();
        float[] mean = new float[classes];
        int[] votes = new int[classes];
        int[] digits = new int[outputs.length];
        for (int m = 0; m < outputs.length; m++) {
            digits[m] = Network.argmax(outputs[m], from, classes);
            votes[digits[m]]++;
            for (int k = 0; k < classes; k++) {
                mean[k] += outputs[m][from + k];
            }
        }
        int best = 0;
        for (int k = 1; k < classes; k++) {
            boolean moreVotes = votes[k] > votes[best] || votes[k] == votes[best] && mean[k] > mean[best];
            if (rule == Rule.MEAN ? mean[k] > mean[best] : moreVotes) {
                best = k;
            }
        }
        for (int k = 0; k < classes; k++) {
            mean[k] /= outputs.length;
        }
        return new Vote(best, mean, digits);
    }

    /**
     * Every member and the ensemble on a whole data set. The members run one after another over the whole
     * set, in batches of {@link Evaluation#BATCH}, so that only one member's workspace is alive at a time (a
     * conv net's is a few hundred MB at that batch); their outputs, 10 values an example, are kept for the vote.
     */
    public Result evaluate(Compute compute, Dataset data) {
        float[][] outputs = new float[members.size()][];
        for (int m = 0; m < members.size(); m++) {
            outputs[m] = outputs(compute, members.get(m), data);
        }
        int classes = members.get(0).outputSize();
        int[] memberCorrect = new int[members.size()];
        int correct = 0;
        List<Mistake> mistakes = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Vote vote = combine(outputs, i * classes);
            int label = data.label(i);
            for (int m = 0; m < members.size(); m++) {
                memberCorrect[m] += vote.digits()[m] == label ? 1 : 0;
            }
            if (vote.digit() == label) {
                correct++;
            } else {
                mistakes.add(new Mistake(i, label, vote.digit(), vote.digits()));
            }
        }
        double[] accuracy = new double[members.size()];
        for (int m = 0; m < accuracy.length; m++) {
            accuracy[m] = data.size() == 0 ? Double.NaN : (double) memberCorrect[m] / data.size();
        }
        return new Result(accuracy, correct, data.size(), mistakes);
    }

    /** One member's outputs for every example of the set, example after example. */
    private static float[] outputs(Compute compute, Network member, Dataset data) {
        int batch = Evaluation.batch(member, data);
        int n = member.inputSize();
        int classes = member.outputSize();
        float[] x = new float[batch * n];
        float[] all = new float[data.size() * classes];
        Network.Workspace space = new Network.Workspace(member, batch);
        for (int start = 0; start < data.size(); start += batch) {
            int rows = Math.min(batch, data.size() - start);
            for (int r = 0; r < rows; r++) {
                data.image(start + r, x, r * n);
            }
            float[] out = member.forward(compute, x, rows, space);
            System.arraycopy(out, 0, all, start * classes, rows * classes);
        }
        return all;
    }
}
