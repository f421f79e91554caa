package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Compute;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A warm-up runs beside the caller until closed, and a run trained meanwhile ends with the same parameters. */
class WarmUpTest {

    private static final TrainConfig CONFIG = new TrainConfig(3, 10, 3f, Cost.QUADRATIC);
    private static final Splits SPLITS = new Splits(TrainerTest.tiny(400, 2), Optional.of(TrainerTest.tiny(80, 3)),
            TrainerTest.tiny(90, 4));

    private static Map<String, float[]> train() {
        Network net = Network.builder(4).hidden(6, Activation.SIGMOID).output(10, Activation.SIGMOID).seed(5).build();
        try (Compute compute = new Compute(2)) {
            new Trainer(net, CONFIG, compute).fit(SPLITS, new Random(7));
        }
        Map<String, float[]> parameters = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) {
            parameters.put(p.name(), p.values().clone());
        }
        return parameters;
    }

    @Test
    void aRunTrainedWhileItWarmsUpEndsWithTheSameParameters() throws InterruptedException {
        Map<String, float[]> alone = train();
        Architecture same = Network.builder(4).hidden(6, Activation.SIGMOID).output(10, Activation.SIGMOID).build()
                .architecture();
        try (WarmUp warmUp = WarmUp.start(same, CONFIG, 2)) {
            assertThat(warmUp.running()).isTrue();
            Map<String, float[]> beside = train();
            assertThat(warmUp.running()).as("still warming up when the run ended").isTrue();
            assertThat(beside.keySet()).containsExactlyElementsOf(alone.keySet());
            beside.forEach((name, values) -> assertThat(values).as(name).containsExactly(alone.get(name)));
        }
    }

    @Test
    void closeEndsItsThreadAfterTheMiniBatchItIsIn() throws InterruptedException {
        Architecture bookCh1 = Architecture.parse("784,30,10", Activation.SIGMOID, Activation.SIGMOID);
        WarmUp warmUp = WarmUp.start(bookCh1, CONFIG, 1);
        assertThat(warmUp.running()).isTrue();
        warmUp.close();
        assertThat(warmUp.ended(10_000)).isTrue();
    }

    @Test
    void aWarmUpThatFailsEndsWithoutAWord() throws InterruptedException {
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
        try {
            // η so large that the made-up run's cost overflows: the trainer stops it with an exception
            TrainConfig diverging = new TrainConfig(3, 10, Float.MAX_VALUE, Cost.CROSS_ENTROPY);
            Architecture tiny = Architecture.parse("16,8,10", Activation.RELU, Activation.SOFTMAX);
            WarmUp warmUp = WarmUp.start(tiny, diverging, 1);
            assertThat(warmUp.ended(60_000)).as("ended by itself, not closed").isTrue();
            warmUp.close();
        } finally {
            System.setErr(err);
        }
        assertThat(said.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aConvNetALargeNetworkOrALargeMiniBatchIsNotWarmedUp() throws InterruptedException {
        Architecture conv = Architecture.parse("1x28x28,conv5x5:4,maxpool2,10", Activation.RELU, Activation.SOFTMAX);
        Architecture large = Architecture.parse("784,3000,3000,10", Activation.SIGMOID, Activation.SOFTMAX);
        assertThat(large.parameterCount()).isGreaterThan(WarmUp.MAX_PARAMETERS);
        for (Architecture left : new Architecture[] {conv, large}) {
            try (WarmUp warmUp = WarmUp.start(left, CONFIG, 1)) {
                assertThat(warmUp.running()).as(left.text()).isFalse();
                assertThat(warmUp.ended(0)).isTrue();
            }
        }
        Architecture small = Architecture.parse("784,30,10", Activation.SIGMOID, Activation.SIGMOID);
        try (WarmUp warmUp = WarmUp.start(small, CONFIG.withBatchSize(WarmUp.MAX_BATCH + 1), 1)) {
            assertThat(warmUp.running()).as("a mini-batch of %d", WarmUp.MAX_BATCH + 1).isFalse();
        }
    }
}
