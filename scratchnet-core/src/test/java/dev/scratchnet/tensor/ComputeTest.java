package dev.scratchnet.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The pool's two ways of sharing parts: even ranges, and items taken one at a time. */
class ComputeTest {

    /**
     * Every item runs exactly once, each as a range of one, and both threads take some: whichever thread
     * runs an item first holds it until the other has taken one of the rest, so neither can take them all
     * (a thread that never came would fail the test after ten seconds rather than hang it).
     */
    @Test
    void forEachItemRunsEveryItemOnceAcrossTheThreads() {
        int count = 64;
        AtomicIntegerArray runs = new AtomicIntegerArray(count);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (Compute compute = new Compute(2)) {
            compute.forEachItem(count, (from, to) -> {
                assertThat(to).isEqualTo(from + 1);
                threads.add(Thread.currentThread());
                runs.incrementAndGet(from);
                while (threads.size() < 2 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            });
        }
        for (int i = 0; i < count; i++) {
            assertThat(runs.get(i)).as("item %d", i).isEqualTo(1);
        }
        assertThat(threads).hasSize(2);
    }

    @Test
    void forEachItemRunsOnTheCallerAloneWithOneThreadOrOneItem() {
        int[] calls = new int[1];
        try (Compute one = new Compute(1); Compute two = new Compute(2)) {
            one.forEachItem(5, (from, to) -> {
                assertThat(from).isZero();
                assertThat(to).isEqualTo(5);
                calls[0]++;
            });
            two.forEachItem(1, (from, to) -> calls[0]++);
            two.forEachItem(0, (from, to) -> assertThat(from).isEqualTo(to));
        }
        assertThat(calls[0]).isEqualTo(2);
    }

    /**
     * Below minCount the whole range runs on the caller in one part (as the optimizer's small tensors do); from
     * minCount on it is split across both threads.
     */
    @Test
    void forEachSplitsOnlyFromItsMinimumCount() {
        Thread caller = Thread.currentThread();
        List<int[]> parts = Collections.synchronizedList(new ArrayList<>());
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (Compute compute = new Compute(2)) {
            compute.forEach(999, 1000, (from, to) -> {
                parts.add(new int[] {from, to});
                threads.add(Thread.currentThread());
            });
            assertThat(parts).containsExactly(new int[] {0, 999});
            assertThat(threads).containsExactly(caller);
            parts.clear();
            compute.forEach(1000, 1000, (from, to) -> parts.add(new int[] {from, to}));
        }
        assertThat(parts).hasSize(2);
        assertThat(parts.stream().mapToInt(r -> r[1] - r[0]).sum()).isEqualTo(1000);
    }

    /**
     * A weight gradient with a consumer hands it every element once, in ranges of whole rows, each holding
     * its final sums (those of the product without one): 300 rows are several blocks per thread, and a depth
     * of 600 several blocks of k, of which only the last finishes rows. With one thread and with two, and
     * with the scalar reference kernel (the interface's way: all the rows at the end).
     */
    @Test
    void aWeightGradientHandsEachFinishedRowOnceWithItsFinalSums() {
        int m = 300, n = 70, k = 600;
        java.util.Random random = new java.util.Random(4);
        float[] a = new float[k * m], b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat() - 0.5f;
        }
        for (Compute compute : new Compute[] {new Compute(1), new Compute(2), new Compute(new ReferenceMatMul(), 2)}) {
            try (compute) {
                float[] expected = new float[m * n], c = new float[m * n], seen = new float[m * n];
                compute.weightGradient(a, b, expected, m, n, k, 1f, false);
                AtomicIntegerArray runs = new AtomicIntegerArray(m * n);
                compute.weightGradient(a, b, c, m, n, k, (from, to) -> {
                    assertThat(from % n).isZero();
                    assertThat(to % n).isZero();
                    for (int i = from; i < to; i++) {
                        seen[i] = c[i];
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < m * n; i++) {
                    assertThat(runs.get(i)).as("element %d", i).isEqualTo(1);
                }
                assertThat(seen).as(compute.kernel().name()).containsExactly(expected);
            }
        }
    }

    /**
     * Parts and items each run exactly once over many small jobs of both kinds in turn, three threads: a
     * worker that comes late finds its part run by the caller, and must neither run it again nor take a part
     * or item of the next job as one of the last.
     */
    @Test
    void everyPartAndItemRunsOnceWhenTheCallerRunsWhatWorkersHaveNotStarted() {
        int jobs = 50_000, parts = 3, items = 5;
        int[] partRuns = new int[parts], itemRuns = new int[items];
        try (Compute compute = new Compute(3)) {
            for (int j = 0; j < jobs; j++) {
                compute.forEach(parts, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        partRuns[i]++;
                    }
                });
                compute.forEachItem(items, (from, to) -> itemRuns[from]++);
            }
        }
        assertThat(partRuns).containsOnly(jobs);
        assertThat(itemRuns).containsOnly(jobs);
    }
}
