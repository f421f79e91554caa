package dev.scratchnet.spark;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The training set cut into one shard per worker, once per run: a seeded shuffle of the examples, dealt into
 * contiguous runs whose sizes differ by at most one; each shard holds its images as bytes. Each epoch every
 * worker shuffles its own shard from a generator seeded by the run's seed, the epoch and its index.
 */
final class Shards {

    private Shards() {
    }

    static List<Dataset> split(Dataset training, int workers, long seed) {
        if (workers > training.size()) {
            throw new IllegalArgumentException("--workers " + workers + " is more than the " + training.size()
                    + " training images; use at most " + training.size());
        }
        int[] order = identity(training.size());
        Trainer.shuffle(order, new Random(mix(seed, 0x5EED_5A4D, 0, 0)));
        List<Dataset> shards = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int from = (int) ((long) training.size() * w / workers);
            int to = (int) ((long) training.size() * (w + 1) / workers);
            shards.add(training.select(java.util.Arrays.copyOfRange(order, from, to),
                    training.name() + " shard " + w));
        }
        return shards;
    }

    /** Worker {@code worker}'s order of its {@code examples} examples in {@code epoch}. */
    static int[] epochOrder(int examples, long seed, int epoch, int worker) {
        int[] order = identity(examples);
        Trainer.shuffle(order, new Random(mix(seed, 0x0_EB0C, epoch, worker)));
        return order;
    }

    /**
     * One generator seed from the run's seed, a salt and two counters: a pure function of the four (SplitMix64's
     * output mix, where tensor.SplitMix64 is a stream), so any worker finds any round's seed on its own.
     */
    static long mix(long seed, long salt, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + salt;
        z = (z ^ (a * 0xBF58476D1CE4E5B9L)) + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
