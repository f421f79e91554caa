package dev.scratchnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.LayerSpec;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.train.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    private static final Architecture ARCH = new Architecture(Shape.flat(3),
            List.of(new LayerSpec.Dense(2, Activation.SIGMOID), new LayerSpec.Dense(2, Activation.SOFTMAX)));
    private static final Optimizer.Config ADAM = new Optimizer.Config(Optimizer.Kind.ADAM, 0.9f, 0.9f, 0.999f);

    /** A network whose every parameter value is {@code w} and an Adam whose state arrays hold {@code v} and 2v. */
    private static byte[] snapshot(long steps, float w, float v) {
        Network network = new Network(ARCH);
        network.parameters().forEach(p -> java.util.Arrays.fill(p.values(), w));
        Optimizer optimizer = new Optimizer(ADAM);
        optimizer.restore(new Optimizer.State(steps, Map.of("layers.0.weight", new float[] {v, v, v, v, v, v}),
                Map.of("layers.0.weight", new float[] {2 * v, 2 * v, 2 * v, 2 * v, 2 * v, 2 * v})));
        return Snapshot.encode(network, optimizer);
    }

    @Test
    void decodingWhatWasEncodedGivesTheSameParametersAndState() {
        Network network = Network.create(ARCH, Init.XAVIER, new Random(1));
        Optimizer optimizer = new Optimizer(ADAM);
        optimizer.restore(new Optimizer.State(7, Map.of("layers.1.bias", new float[] {Float.MIN_VALUE, -0f}), Map.of()));
        byte[] bytes = Snapshot.encode(network, optimizer);

        Network copy = new Network(ARCH);
        Optimizer state = new Optimizer(ADAM);
        Snapshot.decodeInto(bytes, copy, state);
        for (int i = 0; i < network.parameters().size(); i++) {
            assertThat(copy.parameters().get(i).values()).containsExactly(network.parameters().get(i).values());
        }
        assertThat(state.steps()).isEqualTo(7);
        assertThat(state.state().first().get("layers.1.bias")).containsExactly(Float.MIN_VALUE, -0f);
        assertThat(state.state().second()).isEmpty();
        assertThat(Snapshot.encode(copy, state)).isEqualTo(bytes);
    }

    @Test
    void theAverageIsTheMeanOfEveryArraySummedInTheOrderGiven() {
        Network network = new Network(ARCH);
        Optimizer optimizer = new Optimizer(ADAM);
        Snapshot.averageInto(List.of(snapshot(10, 1f, 2f), snapshot(12, 3f, 6f)), network, optimizer);
        assertThat(optimizer.steps()).isEqualTo(12);
        assertThat(network.parameter("layers.1.bias").values()).containsExactly(2f, 2f);
        assertThat(optimizer.state().first().get("layers.0.weight")).containsOnly(4f);
        assertThat(optimizer.state().second().get("layers.0.weight")).containsOnly(8f);
        // float sums depend on their order: (1e8 + 1) - 1e8 = 0 but (1e8 - 1e8) + 1 = 1
        byte[] big = snapshot(1, 1e8f, 0);
        byte[] one = snapshot(1, 1f, 0);
        byte[] minus = snapshot(1, -1e8f, 0);
        Snapshot.averageInto(List.of(big, one, minus), network, optimizer);
        assertThat(network.parameter("layers.0.bias").values()[0]).isEqualTo(0f);
        Snapshot.averageInto(List.of(big, minus, one), network, optimizer);
        assertThat(network.parameter("layers.0.bias").values()[0]).isEqualTo(1f / 3);
    }
}
