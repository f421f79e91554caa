package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * After warm-up, a training step allocates nothing: the bytes allocated by every thread that takes part
 * (the caller and the pool's workers) are summed with ThreadMXBean over a few hundred steps.
 * The bound, 16 bytes per step, leaves room for nothing but measurement noise.
 */
class AllocationTest {

    @Test
    void aTrainingStepAllocatesNothingAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        Dataset data = randomData(2000);
        // layers, activation, mini-batch, optimizer, dropout, L2 (784×100 weights are split across the pool; 32 × 512
        // at mini-batch 32 is computed transposed, Cᵀ = B·Aᵀ)
        String[][] runs = {{"784,100,10", "sigmoid", "10", "sgd", "0", "0"}, {"784,100,10", "sigmoid", "128", "sgd", "0", "0"},
                {"1x28x28,conv5x5:8,maxpool2,conv3x3:8,maxpool2,10", "relu", "10", "sgd", "0", "0"},
                {"784,100,10", "relu", "32", "momentum", "0", "5"}, {"784,512,10", "relu", "32", "momentum", "0", "0"}, {"784,100,30,10", "relu", "32", "adam", "0.3", "0"},
                {"1x28x28,conv5x5:8,maxpool2,conv3x3:8,maxpool2,32,10", "relu", "10", "sgd", "0.3", "0"},
                {"1x28x28,conv5x5:8,maxpool2,conv3x3:8,maxpool2,32,10", "relu", "64", "momentum", "0.3", "0"}};
        for (String[] run : runs) {
            int batch = Integer.parseInt(run[2]);
            TrainConfig config = new TrainConfig(1, batch, 0.01f, Cost.CROSS_ENTROPY)
                    .withOptimizer(new Optimizer.Config(Optimizer.Kind.parse(run[3]), 0.9f, 0.9f, 0.999f))
                    .withDropout(Float.parseFloat(run[4])).withL2(Float.parseFloat(run[5]));
            Network net = Network.create(Architecture.parse(run[0], Activation.parse(run[1]), Activation.SOFTMAX), Init.HE,
                    new java.util.Random(1));
            try (Compute compute = new Compute(2)) {
                Trainer trainer = new Trainer(net, config, compute);
                int[] order = new int[data.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                // Warm-up: until C2 has compiled every kernel path, Vector API code runs in the interpreter or C1,
                // where each vector operation allocates. How long that takes depends on the machine's load, so
                // warm up in windows of 500 steps until one allocates nothing (at most 20 windows); an allocation
                // that persists fails below all the same.
                long[] warmIds = participants();
                for (int window = 0; window < 20; window++) {
                    long start = sum(threads.getThreadAllocatedBytes(warmIds));
                    for (int s = 0; s < 500; s++) {
                        trainer.step(data, order, (s * batch) % (data.size() - batch), batch);
                    }
                    if (sum(threads.getThreadAllocatedBytes(warmIds)) - start <= 16L * 500) {
                        break;
                    }
                }
                // Three windows of 300 steps, the least counts: a late JIT recompilation can allocate once in
                // a window, while an allocation made by the step itself shows in every window.
                long[] ids = participants();
                long perStep = Long.MAX_VALUE;
                int steps = 300;
                for (int window = 0; window < 3; window++) {
                    long before = sum(threads.getThreadAllocatedBytes(ids));
                    for (int s = 0; s < steps; s++) {
                        trainer.step(data, order, (s * batch) % (data.size() - batch), batch);
                    }
                    perStep = Math.min(perStep, (sum(threads.getThreadAllocatedBytes(ids)) - before) / steps);
                }
                assertThat(perStep).as("bytes allocated per step, %s, mini-batch %d, %s, dropout %s, over %d threads",
                                run[0], batch, run[3], run[4], ids.length)
                        .isLessThanOrEqualTo(16);
            }
        }
    }

    /** This thread and the compute pool's workers. */
    private static long[] participants() {
        List<Long> ids = new java.util.ArrayList<>();
        ids.add(Thread.currentThread().getId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("scratchnet-compute-")) {
                ids.add(t.getId());
            }
        }
        assertThat(ids).as("the pool's worker takes part").hasSizeGreaterThan(1);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(long[] values) {
        AtomicLong total = new AtomicLong();
        for (long v : values) {
            total.addAndGet(Math.max(0, v));
        }
        return total.get();
    }

    /** n random 28 × 28 images with random labels. */
    static Dataset randomData(int n) {
        Random random = new Random(1);
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        random.nextBytes(pixels);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return Dataset.of("random", 28, 28, pixels, labels, TrainerTest.DIGITS);
    }
}
