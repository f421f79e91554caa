package dev.scratchnet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Network;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10,000 predictions from 8 concurrent clients on loopback: none fails and every answer equals the
 * single-threaded prediction for its input. Throughput and p99 latency are printed, not asserted.
 */
class LoadTest {

    private static final int REQUESTS = 10_000;
    private static final int CLIENTS = 8;
    private static final int INPUTS = 200;

    @Test
    void tenThousandRequestsFromEightClientsAllSucceedWithTheSingleThreadedAnswers() throws Exception {
        Network network = Network.builder(784).hidden(100, Activation.SIGMOID).output(10, Activation.SOFTMAX).seed(2).build();
        ModelInfo info = new ModelInfo(Map.of(), "mnist", "", ModelInfo.PIXEL_SCALING, List.of(), Double.NaN);
        Random random = new Random(3);
        String[] bodies = new String[INPUTS];
        float[][] expected = new float[INPUTS][];
        for (int i = 0; i < INPUTS; i++) {
            List<Float> pixels = new ArrayList<>();
            float[] x = new float[784];
            for (int p = 0; p < 784; p++) {
                x[p] = random.nextFloat();
                pixels.add(x[p]);
            }
            bodies[i] = Json.write(Map.of("pixels", pixels));
            expected[i] = network.predict(x);
        }
        try (DemoServer server = new DemoServer(new ModelFile.Model(network, info))) {
            URI uri = URI.create("http://127.0.0.1:" + server.start("127.0.0.1", 0) + "/api/predict");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long[] latencies = new long[REQUESTS];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger mismatches = new AtomicInteger();
            java.util.Queue<String> why = new java.util.concurrent.ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(pool.submit(() -> {
                    for (int r; (r = next.getAndIncrement()) < REQUESTS; ) {
                        int k = r % INPUTS;
                        long t = System.nanoTime();
                        try {
                            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(bodies[k])).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            latencies[r] = System.nanoTime() - t;
                            if (response.statusCode() != 200) {
                                failures.incrementAndGet();
                                why.add("request " + r + ": " + response.statusCode() + " " + response.body());
                            } else if (!Arrays.equals(DemoServerTest.floats(((Map<?, ?>) Json.parse(response.body()))
                                    .get("probabilities")), expected[k])) {
                                mismatches.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                            why.add("request " + r + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            System.out.printf("load test: %d requests from %d clients in %.2f s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms%n",
                    REQUESTS, CLIENTS, seconds, REQUESTS / seconds, sorted[REQUESTS / 2] / 1e6, sorted[REQUESTS * 99 / 100] / 1e6);
            assertThat(failures.get()).as("failed requests: %s", why).isZero();
            assertThat(mismatches.get()).as("answers differing from the single-threaded prediction").isZero();
        }
    }
}
