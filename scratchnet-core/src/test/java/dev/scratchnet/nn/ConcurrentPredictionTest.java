package dev.scratchnet.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrentPredictionTest {

    @Test
    void eightThreadsGetTheSameAnswersAsOne() throws Exception {
        Network net = Network.builder(784).hidden(64, Activation.RELU).output(10, Activation.SOFTMAX).seed(5).build();
        Random random = new Random(2);
        float[][] inputs = new float[200][784];
        for (float[] x : inputs) {
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat();
            }
        }
        float[][] expected = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            expected[i] = net.predict(inputs[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < inputs.length; i++) {
                            int k = (i + offset * 25) % inputs.length;
                            if (!java.util.Arrays.equals(net.predict(inputs[k]), expected[k])) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        // A batch of 200 rows and a single row take different summation orders in the kernel (packed
        // panels against dot products), so the last bits may differ: equal within float rounding.
        float[][] batch = net.predict(inputs);
        for (int i = 0; i < inputs.length; i++) {
            assertThat(batch[i]).as("batch row %d", i).containsExactly(expected[i], within(1e-6f));
        }
    }
}
