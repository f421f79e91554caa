package dev.scratchnet.spark;

import dev.scratchnet.nn.Architecture;
import dev.scratchnet.train.TrainConfig;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * One worker's part of one round, run by Spark on the executor that caches the worker: train the round's
 * K mini-batches of this epoch's shard order from the broadcast parameters and optimizer state.
 */
record RoundTask(Broadcast<byte[]> start, Architecture architecture, TrainConfig config, int averageEvery,
                 long seed, int epoch, int round, float eta, int examplesPerEpoch)
        implements Function2<Integer, Iterator<ShardWorker>, Iterator<WorkerResult>> {

    @Override
    public Iterator<WorkerResult> call(Integer partition, Iterator<ShardWorker> workers) {
        return List.of(workers.next().train(partition, start.value(), architecture, config, seed, epoch, round,
                examplesPerRound(config, averageEvery), eta, examplesPerEpoch)).iterator();
    }

    /** K mini-batches of m examples. */
    static long examplesPerRound(TrainConfig config, int averageEvery) {
        return (long) averageEvery * config.batchSize();
    }
}
