package dev.scratchnet.spark;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Kernels;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import java.util.Random;

/**
 * One worker of parameter averaging: its shard and, made on its first round, the network and trainer it
 * trains with, kept with the shard in the executor's cache so later rounds reuse their buffers. Each round
 * starts from the broadcast parameters and optimizer state, so nothing a round leaves behind but buffers
 * reaches the next; a worker rebuilt after its cached copy was lost computes the same.
 */
final class ShardWorker {

    private final Dataset shard;
    private Network network;
    private Trainer trainer;

    ShardWorker(Dataset shard) {
        this.shard = shard;
    }

    /**
     * Trains examples {@code [from, to)} of this epoch's shard order from the {@code start} snapshot on one
     * thread (a task has one core) and returns the result.
     */
    synchronized WorkerResult train(int partition, byte[] start, Architecture architecture, TrainConfig config,
                                    long seed, int epoch, int round, long perRound, float eta, int examplesPerEpoch) {
        int[] order = Shards.epochOrder(shard.size() * config.augmentation().copies(), seed, epoch, partition);
        int from = (int) Math.min(round * perRound, order.length);
        int to = (int) Math.min(from + perRound, order.length);
        if (from == to) {
            return new WorkerResult(partition, 0, 0, new byte[0], 0, "");
        }
        if (network == null) {
            network = new Network(architecture);
            trainer = new Trainer(network, config, new Compute(1)); // one thread: nothing to close
        }
        Snapshot.decodeInto(start, network, trainer.optimizer());
        long begin = System.nanoTime();
        double cost = trainer.train(shard, order, from, to, eta, examplesPerEpoch,
                new Random(Shards.mix(seed, 0x0_D0E5, (long) epoch << 32 | round, partition)));
        long nanos = System.nanoTime() - begin;
        return new WorkerResult(partition, to - from, cost, Snapshot.encode(network, trainer.optimizer()), nanos,
                Kernels.best().name());
    }
}
