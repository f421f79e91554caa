package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An optimizer's step taken inside backpropagation ({@link Optimizer#inPass}) against the same step taken
 * after it ({@link Optimizer#step}): the same bits for every rule, with L1 and L2, for a dense network whose
 * weight gradients are shared by two threads and cut into several blocks of rows, and for a conv network.
 */
class StepInPassTest {

    @Test
    void everyRuleGivesTheSameBitsInsideBackpropagationAsAfterIt() {
        for (Optimizer.Kind kind : Optimizer.Kind.values()) {
            compare("200,300,10", kind, 32);
        }
    }

    @Test
    void aConvNetworkGivesTheSameBitsToo() {
        compare("1x12x12,conv3x3:4,maxpool2,20,10", Optimizer.Kind.MOMENTUM, 16);
        compare("1x12x12,conv3x3:4,maxpool2,20,10", Optimizer.Kind.ADAM, 16);
    }

    private static void compare(String layers, Optimizer.Kind kind, int rows) {
        Architecture architecture = Architecture.parse(layers, Activation.RELU, Activation.SOFTMAX);
        Network after = Network.create(architecture, Init.HE, new Random(1));
        Network inside = Network.create(architecture, Init.HE, new Random(1));
        Optimizer.Config config = new Optimizer.Config(kind, 0.9f, 0.9f, 0.999f);
        Optimizer optimizerAfter = new Optimizer(config);
        Optimizer optimizerInside = new Optimizer(config);
        Backprop backpropAfter = new Backprop(after, rows);
        Backprop backpropInside = new Backprop(inside, rows);
        Random random = new Random(2);
        float[] x = new float[rows * after.inputSize()];
        int[] labels = new int[rows];
        float eta = kind == Optimizer.Kind.ADAM || kind == Optimizer.Kind.RMSPROP ? 0.001f : 0.05f;
        float l2 = 1e-3f, l1 = 2e-4f;
        try (Compute compute = new Compute(2)) {
            for (int step = 0; step < 3; step++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextFloat();
                }
                for (int i = 0; i < rows; i++) {
                    labels[i] = random.nextInt(10);
                }
                double costAfter = backpropAfter.run(compute, x, labels, rows, Cost.CROSS_ENTROPY);
                optimizerAfter.step(compute, after.parameters(), eta, 1f / rows, l2, l1, 0f);
                double costInside = backpropInside.run(compute, x, labels, rows, Cost.CROSS_ENTROPY,
                        optimizerInside.inPass(eta, 1f / rows, l2, l1));
                assertThat(costInside).isEqualTo(costAfter);
            }
        }
        assertThat(optimizerInside.steps()).isEqualTo(optimizerAfter.steps());
        for (Parameter p : after.parameters()) {
            assertThat(inside.parameter(p.name()).values()).as("%s %s, %s", layers, kind, p.name())
                    .containsExactly(p.values());
            assertThat(optimizerInside.state().first().get(p.name()))
                    .isEqualTo(optimizerAfter.state().first().get(p.name()));
        }
    }
}
