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
}
