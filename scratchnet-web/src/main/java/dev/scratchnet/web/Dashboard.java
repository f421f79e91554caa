package dev.scratchnet.web;

import dev.scratchnet.io.Json;
import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.TrainingListener;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live training dashboard: a page with the per-epoch metrics as charts (uPlot, served from its webjar)
 * and examples per second, updated through server-sent events on {@code /events}: {@code epoch} (one
 * metrics object), {@code progress} (at most 4 a second) and {@code done}. A client that connects late
 * first receives every epoch so far.
 */
public final class Dashboard implements TrainingListener, AutoCloseable {

    private static final long PROGRESS_NANOS = 250_000_000;

    private final String title;
    private final Javalin app;
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final List<String> epochs = new ArrayList<>();
    private long lastProgress;
    private long epochStart;
    private String done;

    public Dashboard(String title) {
        this.title = title;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.enableWebjars();
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/dev/scratchnet/web/dashboard";
                files.location = Location.CLASSPATH;
                files.headers = SecurityHeaders.HEADERS;
            });
        });
        app.before(SecurityHeaders::apply);
        app.sse("/events", this::connect);
    }

    /** Starts listening; returns the port (useful with port 0). */
    public int start(String host, int port) {
        app.start(host, port);
        return app.port();
    }

    private void connect(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        synchronized (this) {
            send(client, "title", Json.write(Map.of("title", title)));
            epochs.forEach(e -> send(client, "epoch", e));
            if (done != null) {
                send(client, "done", done);
            }
            clients.add(client);
        }
    }

    @Override
    public void onBatch(int epoch, int doneExamples, int total) {
        long now = System.nanoTime();
        if (epochStart == 0) {
            epochStart = now;
        }
        if (now - lastProgress < PROGRESS_NANOS && doneExamples < total) {
            return;
        }
        lastProgress = now;
        double seconds = Math.max(1e-9, (now - epochStart) / 1e9);
        broadcast("progress", Json.write(Map.of("epoch", epoch, "done", doneExamples, "total", total,
                "examples_per_second", doneExamples / seconds)));
    }

    @Override
    public synchronized void onEpoch(EpochMetrics metrics) {
        epochStart = 0;
        String json = Json.write(metrics.toMap());
        epochs.add(json);
        broadcast("epoch", json);
    }

    /** Tells the page that training is over, with a one-line summary. */
    public synchronized void finished(String summary) {
        done = Json.write(Map.of("summary", summary));
        broadcast("done", done);
    }

    private void broadcast(String event, String data) {
        for (SseClient client : clients) {
            send(client, event, data);
        }
    }

    private static void send(SseClient client, String event, String data) {
        synchronized (client) {
            if (!client.terminated()) {
                client.sendEvent(event, data);
            }
        }
    }

    @Override
    public void close() {
        clients.forEach(SseClient::close);
        app.stop();
    }
}
