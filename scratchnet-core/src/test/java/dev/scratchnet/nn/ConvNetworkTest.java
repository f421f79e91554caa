package dev.scratchnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Shape;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
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
        Network net = Network.create(Architecture.parse(layers, Activation.TANH, Activation.SOFTMAX), Init.XAVIER,
                new Random(8));
        int rows = 7;
        Random random = new Random(9);
        float[] x = new float[rows * net.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        try (Compute compute = new Compute(2)) {
            float[] out = net.forward(compute, x, rows, new Network.Workspace(net, rows));
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
                assertThat(out[i]).as("output %d", i).isCloseTo(chained[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }
}
