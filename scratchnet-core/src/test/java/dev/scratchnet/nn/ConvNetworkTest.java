package dev.scratchnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A conv network's forward pass for a whole batch (its conv and pooling layers keeping the batch innermost
 * between them) against the same layers built one by one, each taking one example per row as
 * {@link ConvReferenceTest} checks them against the definitions.
 */
class ConvNetworkTest {

    @ParameterizedTest
    @ValueSource(strings = {"2x6x5,conv3x3:3:p1,maxpool2,conv2x2:2,4,3", "2x7x6,conv3x3:3:s2:p1,conv1x1:2,maxpool2,4,3",
            "1x28x28,conv5x5:4,maxpool2,conv5x5:6,maxpool2,10", "3x9x9,maxpool2,conv3x3:2,5"})
    void aBatchThroughTheNetworkEqualsTheLayersOneByOne(String layers) {
        for (int rows : new int[] {7, 16, 17, 21}) { // one chunk; three, the last short (see Patches)
            aBatchThroughTheNetworkEqualsTheLayersOneByOne(layers, rows);
        }
    }

    private static void aBatchThroughTheNetworkEqualsTheLayersOneByOne(String layers, int rows) {
        Network net = Network.create(Architecture.parse(layers, Activation.TANH, Activation.SOFTMAX), Init.XAVIER,
                new Random(8));
        Random random = new Random(9);
        float[] x = new float[rows * net.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        try (Compute compute = new Compute(2)) {
            // a workspace larger than the batch, as the last mini-batch of an epoch has (40: chunked even
            // where the batch itself is one chunk)
            float[] out = net.forward(compute, x, rows, new Network.Workspace(net, 40));
            float[] chained = x;
            Shape shape = net.architecture().input();
            for (int l = 0; l < net.layers().size(); l++) {
                Layer alone = net.architecture().layers().get(l).build(shape, l);
                for (int p = 0; p < alone.parameters().size(); p++) {
                    float[] values = net.layers().get(l).parameters().get(p).values();
                    System.arraycopy(values, 0, alone.parameters().get(p).values(), 0, values.length);
                }
                LayerBuffers b = alone.buffers(rows, 0f);
                alone.forward(compute, chained, rows, b);
                chained = b.output();
                shape = alone.outputShape();
            }
            for (int i = 0; i < rows * net.outputSize(); i++) {
                assertThat(out[i]).as("output %d of %d rows", i, rows).isCloseTo(chained[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    /**
     * A step on a batch cut into chunks gives the same bits on one thread as on two: each chunk's share of the
     * gradients is the same sum wherever it runs, and the shares are added in chunk order.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 37})
    void aStepGivesTheSameBitsOnOneThreadAndOnTwo(int rows) {
        Architecture arch = Architecture.parse("1x12x12,conv5x5:4,maxpool2,conv3x3:3:p1,6,5", Activation.RELU,
                Activation.SOFTMAX);
        Random random = new Random(11);
        float[] x = new float[rows * 144];
        int[] labels = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        for (int n = 0; n < rows; n++) {
            labels[n] = n % 5;
        }
        float[][] after = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Network net = Network.create(arch, Init.HE, new Random(12));
            try (Compute compute = new Compute(threads)) {
                Backprop backprop = new Backprop(net, 40);
                for (int step = 0; step < 3; step++) {
                    backprop.sgdStep(compute, x, labels, rows, Cost.CROSS_ENTROPY, 0.1f);
                }
            }
            after[threads - 1] = net.parameters().stream().map(Parameter::values)
                    .reduce(new float[0], ConvNetworkTest::concat);
        }
        assertThat(after[1]).as("%d rows", rows).containsExactly(after[0]);
    }

    /**
     * Backpropagation as the network runs it, its conv and pooling layers as one {@link ChunkedStack} that
     * takes each chunk through all of them, against the same layers run one at a time over the whole batch
     * on the same workspace: the same gradient bits (one chunk at 10 rows, five at 37, on two threads).
     */
    @ParameterizedTest
    @CsvSource({"'1x12x12,conv5x5:4,maxpool2,conv3x3:3:p1,6,5', 10, 40, relu, 0",
            "'1x12x12,conv5x5:4,maxpool2,conv3x3:3:p1,6,5', 37, 40, relu, 0.4",
            "'1x12x12,conv5x5:4,maxpool2,conv3x3:3:p1,6,5', 16, 16, tanh, 0",
            "'1x20x20,conv5x5:3,maxpool2,conv3x3:4,maxpool2,7,5', 33, 40, sigmoid, 0.3",
            "'3x9x9,maxpool2,conv3x3:2,5', 17, 40, tanh, 0", "'2x7x6,conv3x3:3:s2:p1,conv1x1:2,maxpool2,4,3', 37, 37, relu, 0"})
    void theStackGivesTheBitsOfTheLayersOneByOne(String layers, int rows, int capacity, String activation, float dropout) {
        Architecture arch = Architecture.parse(layers, Activation.parse(activation), Activation.SOFTMAX);
        Random random = new Random(13);
        Network stacked = Network.create(arch, Init.HE, new Random(14));
        Network alone = Network.create(arch, Init.HE, new Random(14));
        float[] x = new float[rows * stacked.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        int[] labels = new int[rows];
        for (int n = 0; n < rows; n++) {
            labels[n] = n * 3 % stacked.outputSize();
        }
        try (Compute compute = new Compute(2)) {
            Backprop backprop = new Backprop(stacked, capacity, dropout);
            backprop.drawMasks(new Random(15), rows);
            backprop.run(compute, x, labels, rows, Cost.CROSS_ENTROPY);
            assertThat(backprop.workspace().stacks[0]).as("the pass ran its conv layers as a stack").isNotNull();
            Backprop masks = new Backprop(alone, capacity, dropout); // the same masks, drawn the same way
            masks.drawMasks(new Random(15), rows);
            Network.Workspace ws = masks.workspace();
            List<Layer> list = alone.layers();
            float[] input = x;
            for (int l = 0; l < list.size(); l++) {
                list.get(l).forward(compute, input, rows, ws.layers[l]);
                input = ws.layers[l].output;
            }
            LayerBuffers out = ws.layers[list.size() - 1];
            Cost.CROSS_ENTROPY.outputDelta(Activation.SOFTMAX, out.z, out.output, labels, out.delta, rows,
                    alone.outputSize());
            for (int l = list.size() - 1; l >= 0; l--) {
                list.get(l).backward(compute, l == 0 ? x : ws.layers[l - 1].output, rows, ws.layers[l], 0f, 1f);
            }
        }
        for (int p = 0; p < stacked.parameters().size(); p++) {
            Parameter s = stacked.parameters().get(p);
            assertThat(s.gradient()).as("%s, %d rows", s.name(), rows).containsExactly(alone.parameters().get(p).gradient());
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * The fused SGD step with weight decay (each layer updating its parameters as it backpropagates) against
     * the gradients stored first and the step taken by hand: w ← (1 − ηλ/n)·w − (η/m)·∂C/∂w for weights,
     * b ← b − (η/m)·∂C/∂b for biases; with dropout, both under the same masks.
     */
    @ParameterizedTest
    @CsvSource({"'2x7x6,conv3x3:3:s2:p1,conv1x1:2,maxpool2,4,3', 0, 5", "'1x12x12,conv5x5:4,maxpool2,conv3x3:3:p1,5', 0, 5",
            "'1x12x12,conv5x5:4,maxpool2,conv3x3:3:p1,6,5', 0.4, 5", "'30,8,7,3', 0.3, 5",
            "'2x7x6,conv3x3:3:s2:p1,conv1x1:2,maxpool2,4,3', 0, 23", "'1x12x12,conv5x5:4,maxpool2,conv3x3:3:p1,6,5', 0.4, 23"})
    void theFusedStepWithDecayEqualsStoredGradientsAndAStepByHand(String layers, float dropout, int rows) {
        Architecture arch = Architecture.parse(layers, Activation.RELU, Activation.SOFTMAX);
        Network fused = Network.create(arch, Init.HE, new Random(3));
        Network stored = Network.create(arch, Init.HE, new Random(3));
        Random random = new Random(4);
        float[] x = new float[rows * fused.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        int[] labels = new int[rows];
        for (int n = 0; n < rows; n++) {
            labels[n] = n * 7 % 3;
        }
        float eta = 0.1f;
        float decay = 0.99f;
        try (Compute compute = new Compute(2)) {
            Backprop step = new Backprop(fused, rows + 2, dropout);
            Backprop gradients = new Backprop(stored, rows + 2, dropout);
            step.drawMasks(new Random(6), rows);
            gradients.drawMasks(new Random(6), rows);
            step.sgdStep(compute, x, labels, rows, Cost.CROSS_ENTROPY, eta, decay);
            gradients.run(compute, x, labels, rows, Cost.CROSS_ENTROPY);
        }
        for (int p = 0; p < fused.parameters().size(); p++) {
            Parameter f = fused.parameters().get(p);
            Parameter s = stored.parameters().get(p);
            for (int i = 0; i < f.size(); i++) {
                float expected = (f.decays() ? decay * s.values()[i] : s.values()[i]) - eta / rows * s.gradient()[i];
                assertThat(f.values()[i]).as("%s[%d]", f.name(), i)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }
}
