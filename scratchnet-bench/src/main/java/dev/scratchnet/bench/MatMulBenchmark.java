package dev.scratchnet.bench;

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

/**
 * The kernel at 1024³ and at the shapes of the MNIST network [784,100,10]: the forward product
 * (batch × 784 · (100 × 784)ᵀ), the weight gradient (100 × batch)·(batch × 784) and the back-propagated
 * error (batch × 100)·(100 × 784), for mini-batches of 128 and 10. GFLOP/s = 2·m·n·k / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class MatMulBenchmark {

    /** m×n×k and the product: ab = A·B, atb = Aᵀ·B, abt = A·Bᵀ. */
    @Param({"ab:1024x1024x1024", "abt:128x100x784", "atb:100x784x128", "ab:128x784x100", "abt:10x100x784",
        "atb:100x784x10", "ab:10x784x100"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Compute compute;
    private float[] a;
    private float[] b;
    private float[] c;
    private int m;
    private int n;
    private int k;
    private String op;

    @Setup(Level.Trial)
    public void setUp() {
        op = shape.substring(0, shape.indexOf(':'));
        String[] dims = shape.substring(shape.indexOf(':') + 1).split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        Random random = new Random(1);
        a = random(random, m * k);
        b = random(random, k * n);
        c = new float[m * n];
        compute = new Compute(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
    }

    @Benchmark
    public float[] product() {
        switch (op) {
            case "ab" -> compute.ab(a, b, c, m, n, k, false);
            case "atb" -> compute.atb(a, b, c, m, n, k);
            case "abt" -> compute.abt(a, b, c, m, n, k);
            default -> throw new IllegalArgumentException(op);
        }
        return c;
    }

    static float[] random(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        return x;
    }
}
