package dev.scratchnet.data;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** Downloads the gzipped files from one public mirror, with short timeouts. */
public final class HttpMirrorSource implements DatasetSource {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;

    public HttpMirrorSource(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    }

    @Override
    public String describe(DatasetSpec spec) {
        return "mirror " + baseUrl;
    }

    @Override
    public boolean supports(DatasetSpec spec) {
        return true;
    }

    @Override
    public void fetchInto(DatasetSpec spec, Path dir) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (DatasetSpec.FileSpec file : spec.files()) {
            String name = file.fileName() + ".gz";
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + name)).timeout(READ_TIMEOUT).build();
            try {
                HttpResponse<Path> response = client.send(request, HttpResponse.BodyHandlers.ofFile(dir.resolve(name)));
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode() + " for " + name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (IOException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                throw new IOException(reason, e);
            }
        }
    }
}
