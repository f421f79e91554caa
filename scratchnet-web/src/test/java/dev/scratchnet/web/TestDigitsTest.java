package dev.scratchnet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Network;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GET /api/test-digit and /api/mistakes over loopback, against the network's own answers. */
class TestDigitsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Dataset testSet(int n) {
        Random random = new Random(4);
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        random.nextBytes(pixels);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return Dataset.of("test", 28, 28, pixels, labels, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    private static HttpResponse<String> get(String base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTestDigitsWithTheirLabelsAndTheMistakes() throws Exception {
        Network network = Network.builder(784).hidden(8, Activation.RELU).output(10, Activation.SOFTMAX).seed(6).build();
        Dataset test = testSet(60);
        ModelInfo info = new ModelInfo(Map.of(), "mnist", "", ModelInfo.PIXEL_SCALING, List.of(), Double.NaN);
        int wrong = 0;
        for (int i = 0; i < test.size(); i++) {
            float[] p = network.predict(test.image(i));
            wrong += Network.argmax(p, 0, 10) != test.label(i) ? 1 : 0;
        }
        try (DemoServer server = new DemoServer(new ModelFile.Model(network, info), test)) {
            String base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
            Map<?, ?> digit = (Map<?, ?>) Json.parse(get(base, "/api/test-digit?index=3").body());
            assertThat(((Number) digit.get("label")).intValue()).isEqualTo(test.label(3));
            assertThat(DemoServerTest.floats(digit.get("input"))).containsExactly(test.image(3));
            assertThat(DemoServerTest.floats(digit.get("probabilities"))).containsExactly(network.predict(test.image(3)));
            assertThat(get(base, "/api/test-digit").statusCode()).isEqualTo(200);
            assertThat(get(base, "/api/test-digit?index=60").statusCode()).isEqualTo(400);
            assertThat(get(base, "/api/test-digit?index=x").body()).contains("whole number");

            Map<?, ?> mistakes = (Map<?, ?>) Json.parse(get(base, "/api/mistakes").body());
            assertThat(((Number) mistakes.get("total")).intValue()).isEqualTo(wrong);
            List<?> list = (List<?>) mistakes.get("mistakes");
            assertThat(list).hasSize(Math.min(wrong, 100));
            for (Object o : list) {
                Map<?, ?> m = (Map<?, ?>) o;
                assertThat(m.get("digit")).isNotEqualTo(m.get("label"));
            }
        }
    }

    @Test
    void withoutATestSetTheEndpointsSaySo() throws Exception {
        Network network = Network.builder(784).output(10, Activation.SOFTMAX).build();
        ModelInfo info = new ModelInfo(Map.of(), "mnist", "", ModelInfo.PIXEL_SCALING, List.of(), Double.NaN);
        try (DemoServer server = new DemoServer(new ModelFile.Model(network, info))) {
            String base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
            HttpResponse<String> response = get(base, "/api/test-digit");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).contains("\"error\"", "no test digits");
        }
    }
}
