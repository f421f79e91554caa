package dev.scratchnet.bench;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * One build's side of {@link PairedRounds}: a network trained one epoch at a time on the first 20,000 MNIST
 * training images (100 test images, so that evaluation costs next to nothing), µs per round. {@code plain} is
 * {@code scratchnet bench}'s network ([784,100,10] sigmoid, softmax, fan-in weights, plain SGD, η 0.5); a
 * preset's name trains that preset's network and training, with a constant η and no augmentation, as
 * {@code bench --preset} does. Uses only the core library's public API, so that older builds load it too.
 */
public final class Round implements LongSupplier {

    private final Network network;
    private final TrainConfig config;
    private final Compute compute;
    private final Splits splits;
    private final Random random = new Random(1);

    public Round(String what, int batch, int threads) {
        DatasetSpec spec = DatasetSpec.named("mnist");
        DatasetStore.Loaded data = new DatasetStore(DatasetStore.defaultHome(), List.of(), line -> { })
                .load(spec, Optional.empty());
        Dataset test = data.test();
        splits = new Splits(data.training().slice(0, 20_000), Optional.empty(), test.slice(0, 100));
        if (what.equals("plain")) {
            network = Network.create(Architecture.parse("784,100,10", Activation.SIGMOID, Activation.SOFTMAX),
                    Init.FAN_IN, new Random(1));
            config = new TrainConfig(1, batch, 0.5f, Cost.CROSS_ENTROPY);
        } else {
            Preset preset = Preset.named(what);
            TrainConfig t = preset.training();
            network = Network.create(preset.architecture(), preset.init(), new Random(1));
            config = new TrainConfig(1, batch > 0 ? batch : t.batchSize(), t.learningRate(), t.cost())
                    .withOptimizer(t.optimizer()).withDropout(t.dropout()).withL2(t.l2());
        }
        compute = new Compute(threads);
    }

    /** Trains one epoch; returns its µs. */
    @Override
    public long getAsLong() {
        long start = System.nanoTime();
        new Trainer(network, config, compute).fit(splits, random);
        return (System.nanoTime() - start) / 1000;
    }
}
