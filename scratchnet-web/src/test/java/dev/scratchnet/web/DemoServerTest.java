package dev.scratchnet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.DigitImage;
import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Network;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API over loopback: answers equal the in-process prediction; every bad request gets its status and message. */
class DemoServerTest {

    static Network network;
    static DemoServer server;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        network = Network.builder(784).hidden(16, Activation.RELU).output(10, Activation.SOFTMAX).seed(3).build();
        ModelInfo info = new ModelInfo(Map.of("preset", "test"), "mnist", "", ModelInfo.PIXEL_SCALING,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 0.5);
        server = new DemoServer(new ModelFile.Model(network, info));
        base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/predict")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<?, ?> json(HttpResponse<String> response) {
        return (Map<?, ?>) Json.parse(response.body());
    }

    static float[] floats(Object list) {
        List<?> values = (List<?>) list;
        float[] x = new float[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((Number) values.get(i)).floatValue();
        }
        return x;
    }

    static byte[] sevenPng() throws Exception {
        BufferedImage img = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 280, 280);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(20, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(70, 60, 210, 60);
        g.drawLine(210, 60, 110, 230);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void jsonPixelsAreUsedAsIsAndAnsweredLikeInProcess() throws Exception {
        Random random = new Random(1);
        List<Float> pixels = new ArrayList<>();
        float[] x = new float[784];
        for (int i = 0; i < 784; i++) {
            x[i] = random.nextFloat();
            pixels.add(x[i]);
        }
        HttpResponse<String> response = post("application/json", Json.write(Map.of("pixels", pixels)).getBytes());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<?, ?> body = json(response);
        float[][] expected = network.activations(x);
        assertThat(floats(body.get("probabilities"))).containsExactly(expected[1]);
        assertThat(floats(body.get("hidden"))).containsExactly(expected[0]);
        assertThat(floats(body.get("input"))).containsExactly(x);
        assertThat(((Number) body.get("digit")).intValue()).isEqualTo(Network.argmax(expected[1], 0, 10));
    }

    @Test
    void imagesArePreprocessedByTheSameCodeAsPredict() throws Exception {
        byte[] png = sevenPng();
        float[] seen = DigitImage.fromBytes(png);
        HttpResponse<String> raw = post("image/png", png);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(floats(json(raw).get("input"))).containsExactly(seen);

        String boundary = "scratchnetboundary";
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"d.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        multipart.write(png);
        multipart.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> form = post("multipart/form-data; boundary=" + boundary, multipart.toByteArray());
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        assertThat(floats(json(form).get("input"))).containsExactly(seen);
    }

    @Test
    void badRequestsGetTheirStatusAndAMessageAndTheServerKeepsServing() throws Exception {
        assertError(post("application/json", "{\"pixels\": [1, 2".getBytes()), 400, "malformed JSON");
        assertError(post("application/json", "{\"pixels\": [0.5, 0.5]}".getBytes()), 400, "expected 784 pixels");
        List<Object> outOfRange = new ArrayList<>(java.util.Collections.nCopies(784, 0.0));
        outOfRange.set(5, 1.5);
        assertError(post("application/json", Json.write(Map.of("pixels", outOfRange)).getBytes()), 400, "pixel 5 is 1.5");
        assertError(post("image/png", "not a picture".getBytes()), 400, "not a PNG or JPEG image");
        assertError(post("text/plain", "hello".getBytes()), 400, "send JSON");
        assertError(post("image/png", new byte[(1 << 20) + 10]), 413, "1 MiB");
        HttpResponse<String> after = post("image/png", sevenPng());
        assertThat(after.statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    void describesTheModelAndServesOnlyThePagesAssets() throws Exception {
        HttpResponse<String> model = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/model")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json(model).get("layers")).isEqualTo(List.of(784L, 16L, 10L));
        assertThat(json(model).get("test_accuracy")).isEqualTo(0.5);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<canvas id=\"pad\"");
        for (String path : List.of("/../pom.xml", "/%2e%2e/%2e%2e/pom.xml", "/dev/scratchnet/web/DemoServer.class",
                "/..%2f..%2fpom.xml")) {
            HttpResponse<String> escape = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(escape.statusCode()).as(path).isIn(400, 404);
            assertThat(escape.body()).as(path).doesNotContain("<artifactId>");
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String fragment) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat((String) json(response).get("error")).contains(fragment);
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (String path : List.of("/", "/app.js", "/api/model", "/api/mistakes", "/no-such-page")) {
            responses.add(HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        responses.add(post("application/json", "{\"pixels\": [1]}".getBytes(StandardCharsets.UTF_8)));
        for (HttpResponse<String> r : responses) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as("%s", r.uri()).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as("%s", r.uri()).hasValue("no-referrer");
            assertThat(r.headers().firstValue("Content-Security-Policy")).as("%s", r.uri()).get().asString()
                    .contains("frame-ancestors 'none'").contains("script-src 'self'");
        }
        assertThat(responses.get(0).body()).as("the page runs no inline script").contains("<script src=\"/app.js\">")
                .doesNotContain("<script>");
        assertThat(responses.get(1).statusCode()).isEqualTo(200);
    }

    @Test
    void anImageThatDeclaresHugeDimensionsIsRefusedBeforeDecoding() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = post("image/png", DigitImageBomb.png(20_000, 20_000));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat((String) json(r).get("error")).contains("20000 × 20000 pixels").contains("at most");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(2.0);
    }

    @Test
    void aChunkedBodyOverTheLimitGets413WithoutBeingReadWhole() throws Exception {
        // ofInputStream has no length, so the client sends it chunked, without a Content-Length.
        byte[] big = new byte[8 << 20];
        java.util.Arrays.fill(big, (byte) '1');
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat((String) json(r).get("error")).contains("1 MiB");
    }

    @Test
    void aChunkedMultipartBodyOverTheLimitGets413AndAMalformedOne400() throws Exception {
        byte[] head = ("--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes();
        byte[] big = java.util.Arrays.copyOf(head, head.length + (2 << 20));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/predict"))
                .header("Content-Type", "multipart/form-data; boundary=XyZ")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        HttpResponse<String> malformed = post("multipart/form-data; boundary=XyZ", "--XyZ\r\nno headers".getBytes());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat((String) json(malformed).get("error")).contains("multipart");
    }

    @Test
    void predictionsBeyondTheLimitAreAnswered503AtOnce() throws Exception {
        byte[] body = Json.write(Map.of("pixels", java.util.Collections.nCopies(784, 0.5))).getBytes();
        server.predictions.acquire(DemoServer.MAX_PREDICTIONS); // as if that many were in progress
        try {
            HttpResponse<String> busy = post("application/json", body);
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).contains("1");
            assertThat((String) json(busy).get("error")).contains("busy", "retry");
        } finally {
            server.predictions.release(DemoServer.MAX_PREDICTIONS);
        }
        assertThat(post("application/json", body).statusCode()).isEqualTo(200);
    }
}
