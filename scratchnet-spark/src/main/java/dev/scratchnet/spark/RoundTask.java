package dev.scratchnet.spark;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * One worker's part of one round, run by Spark on the executor that caches the worker's shard: start from
 * the broadcast parameters and optimizer state, train the round's K mini-batches of this epoch's shard
 * order with our engine on one thread (a task has one core), and hand back the result.
 */
record RoundTask(Broadcast<byte[]> start, Architecture architecture, TrainConfig config, int averageEvery,
                 long seed, int epoch, int round, float eta, int examplesPerEpoch)
        implements Function2<Integer, Iterator<Dataset>, Iterator<WorkerResult>> {

    @Override
    public Iterator<WorkerResult> call(Integer partition, Iterator<Dataset> shards) {
        Dataset shard = shards.next();
        int copies = config.augmentation().copies();
        int[] order = Shards.epochOrder(shard.size() * copies, seed, epoch, partition);
        long perRound = examplesPerRound(config, averageEvery);
        int from = (int) Math.min(round * perRound, order.length);
        int to = (int) Math.min(from + perRound, order.length);
        Network network = new Network(architecture);
        try (Compute compute = new Compute(1)) {
            Trainer trainer = new Trainer(network, config, compute);
            Snapshot.fromBytes(start.value()).applyTo(network, trainer.optimizer());
            long begin = System.nanoTime();
            double cost = from < to ? trainer.train(shard, order, from, to, eta, examplesPerEpoch,
                    new Random(Shards.mix(seed, 0x0_D0E5, (long) epoch << 32 | round, partition))) : 0;
            long nanos = System.nanoTime() - begin;
            byte[] result = from < to ? Snapshot.of(network, trainer.optimizer()).toBytes() : new byte[0];
            return List.of(new WorkerResult(partition, to - from, cost, result, nanos)).iterator();
        }
    }

    /** K mini-batches of m examples. */
    static long examplesPerRound(TrainConfig config, int averageEvery) {
        return (long) averageEvery * config.batchSize();
    }
}
