package dev.scratchnet.web;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the server's request decoding: JSON pixels, raw PNG/JPEG bodies and multipart
 * forms, through the HTTP stack of a live server on loopback. Whatever the body and Content-Type, the answer
 * is 200 with a digit, or a 4xx with a one-line {"error": ...}; never a 5xx.
 */
class RequestFuzzTest {

    private static final List<String> TYPES = List.of("application/json", "image/png", "image/jpeg",
            "multipart/form-data; boundary=XyZ", "multipart/form-data", "text/plain", "application/json; charset=utf-8");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static DemoServer server;
    private static String base;

    @BeforeAll
    static void start() {
        Network network = Network.builder(784).hidden(8, Activation.RELU).output(10, Activation.SOFTMAX).seed(3).build();
        server = new DemoServer(new ModelFile.Model(network, new ModelInfo(Map.of(), "mnist", "", ModelInfo.PIXEL_SCALING,
                List.of(), Double.NaN)));
        base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"{\"pixels\": [", "0.5, ", "1e309", "]}", "--XyZ", "--XyZ--",
        "Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"", "Content-Type: image/png", "PNG", "IHDR",
        "IDAT", "IEND", "JFIF"})
    void answersTwoHundredOrAOneLineFourHundred(FuzzedDataProvider data) throws Exception {
        String type = data.pickValue(TYPES);
        byte[] body = data.consumeRemainingAsBytes();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/predict"))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        Object json = Json.parse(response.body());
        if (!(json instanceof Map<?, ?> answer)) {
            throw new AssertionError("not a JSON object: " + response.body());
        }
        if (status == 200 ? !answer.containsKey("digit") : status < 400 || status >= 500
                || !(answer.get("error") instanceof String error) || error.contains("\n")) {
            throw new AssertionError(status + " " + response.body());
        }
    }

    /** The JSON decoding alone, in process, of a body decoded as the server decodes it: pixels or the one-line 400. */
    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"{\"pixels\": [", "0.5, ", "1e309", "-0", "]}", "null", "true", "\"pixels\""})
    void decodesJsonPixelsOrRefuses(byte[] bytes) {
        String body = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        try {
            float[] x = RequestBody.pixels(body);
            if (x.length != 784) {
                throw new AssertionError(x.length + " pixels");
            }
        } catch (DemoServer.BadRequest e) {
            if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
                throw new AssertionError("not a one-line message: " + e.getMessage(), e);
            }
        }
    }
}
