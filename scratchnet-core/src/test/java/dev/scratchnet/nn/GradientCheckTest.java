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
 * {@link Network#parameters()}, so a new kind of layer is covered by adding it to {@link #NETWORKS}), over
 * every hidden activation × output activation × cost.
 *
 * <p>Numeric gradient by the five-point stencil n = (8(C(p+ε) − C(p−ε)) − (C(p+2ε) − C(p−2ε))) / 12ε with
 * ε = 5e-2 on float parameters, the cost summed in double. Error: |a − n| / max(|a|, |n|, 1e-3) must stay
 * below 1e-2. Why these numbers: the stencil's own error is O(ε⁴) ≈ 1e-5 relative; the float forward pass
 * rounds the cost C ≈ 1 to about 1e-7 per operation, and the stencil divides that noise by about ε/1.5, which
 * leaves a few 1e-6 in n (the central difference at ε = 1e-2 left 1e-5, too much for the convolutions'
 * longer sums), so gradients under 1e-3 are held to an absolute 1e-5 instead of a relative bound that float
 * cannot meet. A parameter whose perturbation moves a ReLU unit across z = 0 or changes the winner of a
 * max-pooling block is skipped, since the derivative does not exist there; with pooling that is up to half
 * of the parameters at these ε, so those networks must check a third of theirs, the others three quarters.
 */
class GradientCheckTest {

    private static final float EPS = 5e-2f;
    /** The five-point stencil's points other than 0, in units of ε. */
    private static final int[] STEPS = {1, -1, 2, -2};
    private static final double BOUND = 1e-2;
    private static final int ROWS = 4;
    /** The labels of the ROWS examples; the output layer has 3 classes. */
    private static final int[] LABELS = {0, 2, 1, 2};

    /**
     * The networks checked, in the {@code --layers} grammar: every layer kind belongs here. The second has a
     * padded convolution followed by pooling, then a convolution with its own activation feeding a dense
     * layer; the third a strided, padded convolution feeding another, whose pooling drops a row and feeds
     * a dense layer (every way the batch-innermost layout meets its neighbours).
     */
    static final List<String> NETWORKS = List.of("6,5,4,3", "2x6x5,conv3x3:3:p1,maxpool2,conv2x2:2,4,3",
            "2x7x6,conv3x3:3:s2:p1,conv1x1:2,maxpool2,4,3");

    static Architecture network(String layers, Activation hidden, Activation output) {
        return Architecture.parse(layers, hidden, output);
    }

    static Stream<Arguments> combinations() {
        List<Arguments> all = new ArrayList<>();
        for (String layers : NETWORKS) {
            for (Activation hidden : List.of(Activation.SIGMOID, Activation.TANH, Activation.RELU)) {
                for (Activation output : List.of(Activation.SIGMOID, Activation.SOFTMAX)) {
                    for (Cost cost : Cost.values()) {
                        all.add(Arguments.of(layers, hidden, output, cost));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1} hidden, {2} output, {3}")
    @MethodSource("combinations")
    void backpropagationMatchesFiniteDifferences(String layers, Activation hidden, Activation output, Cost cost) {
        Random random = new Random(42);
        Network net = Network.create(network(layers, hidden, output), Init.FAN_IN, random);
        float[] x = inputs(random, net);
        Compute compute = new Compute(1);
        Backprop backprop = new Backprop(net, ROWS);
        backprop.run(compute, x, LABELS, ROWS, cost);

        int checked = 0;
        int parameters = 0;
        for (Parameter p : net.parameters()) {
            Objective objective = () -> cost(net, compute, x, LABELS, cost);
            checked += check(objective, p.values(), p.gradient().clone(), net, () -> {
                Network.Workspace ws = new Network.Workspace(net, ROWS);
                net.forward(compute, x, ROWS, ws);
                return ws;
            });
            parameters += p.size();
        }
        if (layers.equals("6,5,4,3")) {
            assertThat(parameters).isEqualTo(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
        }
        boolean pools = net.layers().stream().anyMatch(l -> l instanceof MaxPoolLayer);
        assertThat(checked).as("parameters checked (kinks skipped)").isGreaterThan(pools ? parameters / 3 : parameters * 3 / 4);
    }

    @ParameterizedTest(name = "dropout, {0}: {1} hidden")
    @MethodSource("dropoutCombinations")
    void backpropagationWithAFixedDropoutMaskMatchesFiniteDifferences(String layers, Activation hidden) {
        Random random = new Random(43);
        Network net = Network.create(network(layers, hidden, Activation.SOFTMAX), Init.FAN_IN, random);
        float[] x = inputs(random, net);
        Compute compute = new Compute(1);
        Backprop backprop = new Backprop(net, ROWS, 0.4f);
        backprop.drawMasks(new Random(7), ROWS);
        backprop.run(compute, x, LABELS, ROWS, Cost.CROSS_ENTROPY);
        int checked = 0;
        for (Parameter p : net.parameters()) {
            Objective objective = () -> backprop.cost(compute, x, LABELS, ROWS, Cost.CROSS_ENTROPY);
            // the kinks of the masked network: a dense ReLU layer after the dropout depends on the mask
            checked += check(objective, p.values(), p.gradient().clone(), net, () -> {
                backprop.cost(compute, x, LABELS, ROWS, Cost.CROSS_ENTROPY);
                return backprop.workspace();
            });
        }
        assertThat(checked).isGreaterThan(30);
    }

    static Stream<Arguments> dropoutCombinations() {
        return NETWORKS.stream().flatMap(layers -> Stream.of(Activation.SIGMOID, Activation.TANH, Activation.RELU)
                .map(hidden -> Arguments.of(layers, hidden)));
    }

    /** The cost as a function of the parameters, with whatever else fixed. */
    interface Objective {
        double cost();
    }

    /** A forward pass of the function checked, for its kinks. */
    interface Pass {
        Network.Workspace run();
    }

    private static int check(Objective objective, float[] params, float[] analytic, Network net, Pass pass) {
        int checked = 0;
        for (int i = 0; i < params.length; i++) {
            float saved = params[i];
            List<Integer> pattern = kinks(net, pass.run());
            double[] costs = new double[4];
            boolean kink = false;
            for (int s = 0; s < 4; s++) {
                params[i] = saved + STEPS[s] * EPS;
                costs[s] = objective.cost();
                kink |= !pattern.equals(kinks(net, pass.run()));
            }
            params[i] = saved;
            if (kink) {
                continue;
            }
            double numeric = (8 * (costs[0] - costs[1]) - (costs[2] - costs[3])) / (12 * EPS);
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

    /**
     * Where the network is not differentiable nearby: which ReLU units are active (z > 0) and which input
     * won each max-pooling block. A perturbation that changes either crosses a kink.
     */
    private static List<Integer> kinks(Network net, Network.Workspace ws) {
        List<Integer> pattern = new ArrayList<>();
        for (int l = 0; l < net.layers().size() - 1; l++) {
            Layer layer = net.layers().get(l);
            for (int i = 0; layer.activation() == Activation.RELU && i < ROWS * layer.outputShape().size(); i++) {
                pattern.add(ws.z(l)[i] > 0 ? 1 : 0);
            }
            for (int winner : ws.layer(l).indices) {
                pattern.add(winner);
            }
        }
        return pattern;
    }

    /** ROWS random examples of the network's inputs, in [0, 1). */
    private static float[] inputs(Random random, Network net) {
        float[] x = new float[ROWS * net.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return x;
    }
}
