package dev.scratchnet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.train.EpochMetrics;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The dashboard's page, its charting library from the webjar, and live server-sent events. */
class DashboardTest {

    private static EpochMetrics epoch(int e) {
        return new EpochMetrics(e, 1.0 / e, OptionalDouble.of(0.9 + e / 100.0), 0.89 + e / 100.0, 1.5, 50_000, 0.1,
                OptionalDouble.empty(), OptionalDouble.empty());
    }

    @Test
    void servesThePageAndStreamsEveryEpochLive() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (Dashboard board = new Dashboard("test run")) {
            String base = "http://127.0.0.1:" + board.start("127.0.0.1", 0);
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "<script src=\"/dashboard.js\">");
            assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString().contains("script-src 'self'");
            String script = http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard.js")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(script).contains("new EventSource('/events')");
            HttpResponse<String> uplot = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(uplot.statusCode()).as("uPlot served from its webjar, no CDN").isEqualTo(200);
            assertThat(uplot.body()).contains("uPlot");

            board.onEpoch(epoch(1)); // before the client connects: replayed on connect
            HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(base + "/events"))
                    .header("Accept", "text/event-stream") // as the browser's EventSource sends it
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                assertThat(readUntil(reader, "\"epoch\":1")).contains("event: epoch");
                Thread sender = new Thread(() -> {
                    board.onEpoch(epoch(2));
                    board.finished("Done after 2 epochs");
                });
                sender.start();
                assertThat(readUntil(reader, "\"epoch\":2")).contains("event: epoch");
                assertThat(readUntil(reader, "Done after 2 epochs")).contains("event: done");
                sender.join();
            }
        }
    }

    /** Reads SSE lines until one contains {@code needle}; returns the text read. */
    private static String readUntil(BufferedReader reader, String needle) throws Exception {
        StringBuilder seen = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains(needle)) {
                return seen.toString();
            }
        }
        throw new AssertionError("stream ended before " + needle + ": " + seen);
    }
}
