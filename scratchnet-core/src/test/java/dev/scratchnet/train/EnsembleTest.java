package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.DenseLayer;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleTest {

    /** A one-input softmax net whose answer is {@code probabilities} whatever the input (zero weights). */
    private static Network answering(double... probabilities) {
        Network net = new Network(Architecture.parse("1," + probabilities.length, Activation.SIGMOID, Activation.SOFTMAX));
        float[] biases = ((DenseLayer) net.layers().get(0)).biases();
        for (int k = 0; k < probabilities.length; k++) {
            biases[k] = (float) Math.log(probabilities[k]);
        }
        return net;
    }

    private final List<Network> members = List.of(answering(0.5, 0.45, 0.05), answering(0.5, 0.45, 0.05),
            answering(0.01, 0.98, 0.01));

    @Test
    void pluralityCountsOneVotePerMember() {
        Ensemble.Vote vote = new Ensemble(members).vote(new float[] {0.3f});
        assertThat(vote.digits()).containsExactly(0, 0, 1);
        assertThat(vote.digit()).isZero();
    }

    @Test
    void meanTakesTheLargestAveragedProbability() {
        Ensemble.Vote vote = new Ensemble(members, Ensemble.Rule.MEAN).vote(new float[] {0.3f});
        assertThat(vote.digit()).isEqualTo(1); // (0.45 + 0.45 + 0.98) / 3 against (0.5 + 0.5 + 0.01) / 3
        assertThat(vote.probabilities()[1]).isCloseTo(0.6267f, org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void aTiedPluralityGoesToTheLargerSummedProbability() {
        Ensemble lower = new Ensemble(List.of(answering(0.7, 0.2, 0.1), answering(0.3, 0.6, 0.1)));
        assertThat(lower.vote(new float[] {0f}).digit()).isZero(); // 1.0 against 0.8, the lower digit
        Ensemble higher = new Ensemble(List.of(answering(0.6, 0.3, 0.1), answering(0.2, 0.7, 0.1)));
        assertThat(higher.vote(new float[] {0f}).digit()).isEqualTo(1); // 1.0 against 0.8, the higher digit
    }

    @Test
    void aTiedMeanGoesToTheLowerDigit() {
        Ensemble ensemble = new Ensemble(List.of(answering(0.25, 0.5, 0.25)), Ensemble.Rule.MEAN);
        assertThat(ensemble.vote(new float[] {0f}).digit()).isEqualTo(1);
        Ensemble tied = new Ensemble(List.of(answering(0.4, 0.4, 0.2)), Ensemble.Rule.MEAN);
        assertThat(tied.vote(new float[] {0f}).digit()).isZero();
    }

    @Test
    void rulesParseByTheirNamesAndRefuseOthersWithTheList() {
        assertThat(Ensemble.Rule.parse("mean")).isEqualTo(Ensemble.Rule.MEAN);
        assertThat(Ensemble.Rule.parse("plurality")).isEqualTo(Ensemble.Rule.PLURALITY);
        assertThatThrownBy(() -> Ensemble.Rule.parse("soft")).hasMessageContaining("[plurality, mean]");
    }
    /** A [4,8,10] net with random weights and biases. */
    private static Network random(long seed) {
        Network net = new Network(Architecture.parse("4,8,10", Activation.RELU, Activation.SOFTMAX));
        java.util.Random random = new java.util.Random(seed);
        for (var parameter : net.parameters()) {
            float[] values = parameter.values();
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
        }
        return net;
    }

    @Test
    void evaluatingASetAgreesWithVotingExampleByExample() {
        // 1,203 examples: more than one evaluation batch and not a whole number of them.
        Dataset data = TrainerTest.tiny(1203, 7);
        Ensemble ensemble = new Ensemble(List.of(random(1), random(2), random(3)));
        int correct = 0;
        int[] memberCorrect = new int[3];
        List<String> wrong = new java.util.ArrayList<>();
        java.util.Set<Integer> answers = new java.util.HashSet<>();
        for (int i = 0; i < data.size(); i++) {
            Ensemble.Vote vote = ensemble.vote(data.image(i));
            answers.add(vote.digit());
            correct += vote.digit() == data.label(i) ? 1 : 0;
            if (vote.digit() != data.label(i)) {
                wrong.add(i + " " + data.label(i) + " " + vote.digit() + " " + java.util.Arrays.toString(vote.digits()));
            }
            for (int m = 0; m < 3; m++) {
                memberCorrect[m] += vote.digits()[m] == data.label(i) ? 1 : 0;
            }
        }
        Ensemble.Result result;
        try (Compute compute = new Compute(2)) {
            result = ensemble.evaluate(compute, data);
        }
        assertThat(result.total()).isEqualTo(1203);
        assertThat(result.correct()).isEqualTo(correct);
        assertThat(result.mistakes()).extracting(m -> m.index() + " " + m.label() + " " + m.digit() + " "
                + java.util.Arrays.toString(m.digits())).containsExactlyElementsOf(wrong);
        for (int m = 0; m < 3; m++) {
            assertThat(result.memberAccuracy()[m]).isEqualTo((double) memberCorrect[m] / 1203);
        }
        assertThat(answers).hasSizeGreaterThan(1); // the vote changes from example to example
    }
}
