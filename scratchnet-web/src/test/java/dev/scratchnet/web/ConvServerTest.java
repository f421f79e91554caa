package dev.scratchnet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Init;
import dev.scratchnet.nn.Network;
import dev.scratchnet.train.Ensemble;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A conv model and an ensemble of two behind the API: feature maps, architecture, the vote. */
class ConvServerTest {

    private static final String LAYERS = "1x28x28,conv5x5:6,maxpool2,conv3x3:4,maxpool2,10";

    private static ModelFile.Model model(long seed) {
        Network network = Network.create(Architecture.parse(LAYERS, Activation.RELU, Activation.SOFTMAX), Init.HE,
                new Random(seed));
        return new ModelFile.Model(network, new ModelInfo(Map.of("preset", "test"), "mnist", "", ModelInfo.PIXEL_SCALING,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Double.NaN));
    }

    @Test
    void aConvEnsembleAnswersWithItsVoteAndTheFirstModelsFeatureMaps() throws Exception {
        ModelFile.Model first = model(1);
        ModelFile.Model second = model(2);
        try (DemoServer server = new DemoServer(List.of(first, second), null)) {
            String base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
            Random random = new Random(4);
            float[] x = new float[784];
            List<Float> pixels = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat();
                pixels.add(x[i]);
            }
            HttpResponse<String> response = DemoServerTest.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/predict"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("pixels", pixels)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
            Ensemble.Vote vote = new Ensemble(List.of(first.network(), second.network())).vote(x);
            assertThat(((Number) body.get("digit")).intValue()).isEqualTo(vote.digit());
            assertThat(DemoServerTest.floats(body.get("probabilities"))).containsExactly(vote.probabilities());
            assertThat(body.containsKey("hidden")).isFalse();
            assertThat(body.containsKey("digits")).isTrue();

            List<?> maps = (List<?>) body.get("feature_maps");
            assertThat(maps).hasSize(6);
            float[] conv = first.network().activations(x)[0];
            for (int c = 0; c < 6; c++) {
                List<?> rows = (List<?>) maps.get(c);
                assertThat(rows).hasSize(24);
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (Object row : rows) {
                    float[] values = DemoServerTest.floats(row);
                    assertThat(values).hasSize(24);
                    for (float v : values) {
                        assertThat(v).isBetween(0f, 1f);
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
                assertThat(min).isZero();
                assertThat(max).isEqualTo(1f);
                // the brightest pixel of the map is where the conv layer's output is largest
                int argmax = Network.argmax(conv, c * 576, 576);
                assertThat(DemoServerTest.floats(rows.get(argmax / 24))[argmax % 24]).isEqualTo(1f);
            }

            Map<?, ?> model = (Map<?, ?>) Json.parse(DemoServerTest.HTTP.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/model")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(model.get("architecture")).isEqualTo(LAYERS);
            assertThat((List<?>) model.get("models")).hasSize(2);
        }
    }
}
