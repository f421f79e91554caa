package dev.scratchnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.tensor.Compute;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation against central finite differences, for every parameter of every layer (through
 * {@link Network#parameters()}, so a new kind of layer is covered by adding it to {@link #networks}), over
 * every hidden activation × output activation × cost.
 *
 * <p>Numeric gradient n = (C(p + ε) − C(p − ε)) / 2ε with ε = 1e-2 on float parameters, the cost summed in
 * double. Error: |a − n| / max(|a|, |n|, 1e-3) must stay below 1e-2. Why these numbers: the central
 * difference's own error is O(ε²) ≈ 1e-4 relative; the float forward pass rounds the cost C ≈ 1 to about
 * 1e-7, which, divided by 2ε, leaves up to ~1e-5 of noise in n, so gradients under 1e-3 are held to an
 * absolute 1e-5 instead of a relative bound that float cannot meet. For ReLU, a parameter whose ±ε perturbation
 * moves any unit across the kink at z = 0 is skipped, since there the derivative does not exist.
 */
class GradientCheckTest {

    private static final float EPS = 1e-2f;
    private static final double BOUND = 1e-2;
    private static final int ROWS = 4;
    /** The labels of the ROWS examples; the output layer has 3 classes. */
    private static final int[] LABELS = {0, 2, 1, 2};

    /** The networks checked, with a hidden and an output activation: every layer kind belongs here. */
    static Architecture networks(Activation hidden, Activation output) {
        return Architecture.of(List.of(6, 5, 4, 3), hidden, output);
    }

    static Stream<Arguments> combinations() {
        List<Arguments> all = new ArrayList<>();
        for (Activation hidden : List.of(Activation.SIGMOID, Activation.TANH, Activation.RELU)) {
            for (Activation output : List.of(Activation.SIGMOID, Activation.SOFTMAX)) {
                for (Cost cost : Cost.values()) {
                    all.add(Arguments.of(hidden, output, cost));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} hidden, {1} output, {2}")
    @MethodSource("combinations")
    void backpropagationMatchesFiniteDifferences(Activation hidden, Activation output, Cost cost) {
        Random random = new Random(42);
        Network net = Network.create(networks(hidden, output), Init.FAN_IN, random);
        float[] x = inputs(random);
        Compute compute = new Compute(1);
        Backprop backprop = new Backprop(net, ROWS);
        backprop.run(compute, x, LABELS, ROWS, cost);

        int checked = 0;
        int parameters = 0;
        for (Parameter p : net.parameters()) {
            Objective objective = () -> cost(net, compute, x, LABELS, cost);
            checked += check(objective, p.values(), p.gradient().clone(), hidden, net, compute, x);
            parameters += p.size();
        }
        assertThat(parameters).isEqualTo(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
        assertThat(checked).as("parameters checked (kinks skipped)").isGreaterThan(parameters * 3 / 4);
    }

    @ParameterizedTest(name = "dropout, {0} hidden")
    @MethodSource("hiddenActivations")
    void backpropagationWithAFixedDropoutMaskMatchesFiniteDifferences(Activation hidden) {
        Random random = new Random(43);
        Network net = Network.create(networks(hidden, Activation.SOFTMAX), Init.FAN_IN, random);
        float[] x = inputs(random);
        Compute compute = new Compute(1);
        Backprop backprop = new Backprop(net, ROWS, 0.4f);
        backprop.drawMasks(new Random(7), ROWS);
        backprop.run(compute, x, LABELS, ROWS, Cost.CROSS_ENTROPY);
        int checked = 0;
        for (Parameter p : net.parameters()) {
            Objective objective = () -> backprop.cost(compute, x, LABELS, ROWS, Cost.CROSS_ENTROPY);
            checked += check(objective, p.values(), p.gradient().clone(), hidden, net, compute, x);
        }
        assertThat(checked).isGreaterThan(40);
    }

    static Stream<Activation> hiddenActivations() {
        return Stream.of(Activation.SIGMOID, Activation.TANH, Activation.RELU);
    }

    /** The cost as a function of the parameters, with whatever else fixed. */
    interface Objective {
        double cost();
    }

    private static int check(Objective objective, float[] params, float[] analytic, Activation hidden, Network net,
                             Compute compute, float[] x) {
        int checked = 0;
        for (int i = 0; i < params.length; i++) {
            float saved = params[i];
            boolean[] pattern = reluPattern(net, compute, x);
            params[i] = saved + EPS;
            double plus = objective.cost();
            boolean kink = hidden == Activation.RELU && !java.util.Arrays.equals(pattern, reluPattern(net, compute, x));
            params[i] = saved - EPS;
            double minus = objective.cost();
            kink |= hidden == Activation.RELU && !java.util.Arrays.equals(pattern, reluPattern(net, compute, x));
            params[i] = saved;
            if (kink) {
                continue;
            }
            double numeric = (plus - minus) / (2 * EPS);
            double a = analytic[i];
            double error = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1e-3);
            assertThat(error).as("parameter %d: analytic %s, numeric %s", i, a, numeric).isLessThan(BOUND);
            checked++;
        }
        return checked;
    }

    private static double cost(Network net, Compute compute, float[] x, int[] labels, Cost cost) {
        Network.Workspace ws = new Network.Workspace(net, ROWS);
        float[] out = net.forward(compute, x, ROWS, ws);
        int last = net.layers().size() - 1;
        return cost.total(net.architecture().output(), ws.z(last), out, labels, ROWS, net.outputSize());
    }

    /** Which hidden units are active (z > 0), for spotting a perturbation that crosses a ReLU kink. */
    private static boolean[] reluPattern(Network net, Compute compute, float[] x) {
        Network.Workspace ws = new Network.Workspace(net, ROWS);
        net.forward(compute, x, ROWS, ws);
        List<Boolean> bits = new ArrayList<>();
        for (int l = 0; l < net.layers().size() - 1; l++) {
            for (int i = 0; i < ROWS * net.layers().get(l).outputShape().size(); i++) {
                bits.add(ws.z(l)[i] > 0);
            }
        }
        boolean[] out = new boolean[bits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits.get(i);
        }
        return out;
    }

    /** ROWS random examples of the 6 inputs, in [0, 1). */
    private static float[] inputs(Random random) {
        float[] x = new float[ROWS * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return x;
    }
}
