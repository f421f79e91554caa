package dev.scratchnet.bench;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Backprop;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One SGD step (forward, backpropagation, update) of [784,100,10] sigmoid/softmax on a fixed mini-batch. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class TrainingStepBenchmark {

    @Param({"10", "128"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private Compute compute;
    private Backprop backprop;
    private float[] x;
    private int[] labels;

    @Setup(Level.Trial)
    public void setUp() {
        Network net = Network.builder(784).hidden(100, Activation.SIGMOID).output(10, Activation.SOFTMAX).build();
        backprop = new Backprop(net, batch);
        compute = new Compute(threads);
        Random random = new Random(2);
        x = MatMulBenchmark.random(random, batch * 784);
        labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(10);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
    }

    @Benchmark
    public double step() {
        return backprop.sgdStep(compute, x, labels, batch, Cost.CROSS_ENTROPY, 0.01f);
    }
}
