package dev.scratchnet.web;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.DigitImage;
import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.ConvLayer;
import dev.scratchnet.nn.Network;
import dev.scratchnet.train.Ensemble;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's HTTP server. {@code POST /api/predict} takes JSON {@code {"pixels": [784 numbers in [0,1]]}}
 * (MNIST form, used as is) or a PNG/JPEG image (raw body or multipart field {@code image}, preprocessed like
 * {@code predict}); {@code GET /api/model} describes the model; everything else is the page's assets from
 * the class path, so no request can reach other files. Bodies over 1 MiB get 413, bad input 400, each with
 * a JSON {@code {"error": "..."}}.
 */
public final class DemoServer implements AutoCloseable {

    static final long MAX_BODY = RequestBody.MAX_BODY;

    /** Predictions served at once: four per core (each is a few milliseconds of one core). */
    static final int MAX_PREDICTIONS = 4 * Runtime.getRuntime().availableProcessors();
    final java.util.concurrent.Semaphore predictions = new java.util.concurrent.Semaphore(MAX_PREDICTIONS);
    private final ModelFile.Model model;
    private final List<ModelFile.Model> models;
    private final Ensemble ensemble;
    private final Dataset test;
    private final List<Integer> mistakes = new ArrayList<>();
    private final String mistakesJson;
    private final Javalin app;

    /** A server without test digits (the random-digit button and the mistakes gallery stay empty). */
    public DemoServer(ModelFile.Model model) {
        this(model, null);
    }

    /**
     * @param test the test set, for {@code GET /api/test-digit} and {@code GET /api/mistakes}; may be null
     */
    public DemoServer(ModelFile.Model model, Dataset test) {
        this(List.of(model), test);
    }

    /**
     * Serves several models as one ensemble: answers are their vote and averaged probabilities; the feature
     * maps, hidden activations and mistakes come from the first.
     */
    public DemoServer(List<ModelFile.Model> models, Dataset test) {
        this.model = models.get(0);
        this.models = List.copyOf(models);
        this.ensemble = new Ensemble(models.stream().map(ModelFile.Model::network).toList());
        this.test = test;
        if (!model.network().architecture().takesImages(DigitImage.SIDE, DigitImage.SIDE)) {
            throw new IllegalArgumentException("the demo needs a model of 28×28 images (784 or 1x28x28), this one takes "
                    + model.network().architecture().input());
        }
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_BODY;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/dev/scratchnet/web/public";
                files.location = Location.CLASSPATH;
                files.headers = SecurityHeaders.HEADERS;
            });
        });
        if (test != null) {
            if (test.imageSize() != model.network().inputSize()) {
                throw new IllegalArgumentException("the test images have " + test.imageSize() + " pixels, the model takes "
                        + model.network().inputSize());
            }
            float[][] inputs = new float[test.size()][];
            for (int i = 0; i < test.size(); i++) {
                inputs[i] = test.image(i);
            }
            float[][] outputs = model.network().predict(inputs);
            for (int i = 0; i < test.size(); i++) {
                if (Network.argmax(outputs[i], 0, outputs[i].length) != test.label(i)) {
                    mistakes.add(i);
                }
            }
        }
        this.mistakesJson = test == null ? null : mistakesJson();
        app.before(SecurityHeaders::apply);
        app.post("/api/predict", this::predict);
        app.get("/api/model", this::describe);
        app.get("/api/test-digit", this::testDigit);
        app.get("/api/mistakes", this::mistakes);
        app.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 503) {
                ctx.header("Retry-After", "1");
            }
            error(ctx, e.getStatus(), e.getMessage());
        });
        app.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> error(ctx, 500, "internal error: " + e));
    }

    /** Starts listening; returns the port (useful with port 0). */
    public int start(String host, int port) {
        app.start(host, port);
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    /**
     * At most {@link #MAX_PREDICTIONS} predictions at once: one more is answered 503 with Retry-After at
     * once, instead of queueing work (and memory) without bound behind the ones in progress.
     */
    private void predict(Context ctx) throws IOException {
        float[] input = RequestBody.input(ctx); // the body first: a slow sender holds no permit while it sends
        ctx.contentType("application/json").result(Json.write(limited(() -> answer(input))));
    }

    /**
     * The work of one prediction, if fewer than {@link #MAX_PREDICTIONS} are in progress; else 503 with
     * Retry-After at once, instead of queueing work (and memory) without bound behind the ones running.
     */
    private Map<String, Object> limited(java.util.function.Supplier<Map<String, Object>> work) {
        if (!predictions.tryAcquire()) {
            throw new HttpResponseException(503, "the server is busy with " + MAX_PREDICTIONS
                    + " predictions; retry in a second");
        }
        try {
            return work.get();
        } finally {
            predictions.release();
        }
    }

    /** A test digit (random, or {@code ?index=N}) with its label and the network's answer. */
    private void testDigit(Context ctx) {
        if (test == null) {
            throw new HttpResponseException(404, "this server has no test digits (start it with the data set available)");
        }
        String index = ctx.queryParam("index");
        int i;
        try {
            i = index == null ? java.util.concurrent.ThreadLocalRandom.current().nextInt(test.size()) : Integer.parseInt(index);
        } catch (NumberFormatException e) {
            throw new BadRequest("index must be a whole number, got '" + index + "'");
        }
        if (i < 0 || i >= test.size()) {
            throw new BadRequest("index must be between 0 and " + (test.size() - 1) + ", got " + i);
        }
        int chosen = i;
        Map<String, Object> answer = limited(() -> answer(test.image(chosen)));
        answer.put("index", i);
        answer.put("label", test.label(i));
        ctx.contentType("application/json").result(Json.write(answer));
    }

    /** The test digits the first model gets wrong: index, label and its answer (pixels come from test-digit). */
    private void mistakes(Context ctx) {
        if (test == null) {
            throw new HttpResponseException(404, "this server has no test digits (start it with the data set available)");
        }
        ctx.contentType("application/json").result(mistakesJson);
    }

    /** The mistakes answer, made once: it is the same for every request. */
    private String mistakesJson() {
        List<Object> list = new ArrayList<>();
        for (int m = 0; m < Math.min(mistakes.size(), 100); m++) {
            int i = mistakes.get(m);
            float[] p = model.network().predict(test.image(i));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("digit", Network.argmax(p, 0, p.length));
            entry.put("probabilities", p);
            entry.put("input", test.image(i));
            entry.put("index", i);
            entry.put("label", test.label(i));
            list.add(entry);
        }
        return Json.write(Map.of("total", mistakes.size(), "mistakes", list));
    }

    private Map<String, Object> answer(float[] input) {
        Network network = model.network();
        float[][] activations = network.activations(input);
        Ensemble.Vote vote = models.size() > 1 ? ensemble.vote(input) : null;
        float[] probabilities = vote != null ? vote.probabilities() : activations[activations.length - 1];
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("digit", vote != null ? vote.digit() : Network.argmax(probabilities, 0, probabilities.length));
        answer.put("probabilities", probabilities);
        if (vote != null) {
            answer.put("digits", vote.digits());
        }
        answer.put("input", input);
        int conv = firstConv(network);
        if (conv >= 0) {
            answer.put("feature_maps", FeatureMaps.of(activations[conv], network.layers().get(conv).outputShape()));
        } else {
            answer.put("hidden", activations.length > 1 ? activations[0] : new float[0]);
        }
        return answer;
    }

    /** The index of the network's first conv layer, or −1. */
    private static int firstConv(Network network) {
        for (int l = 0; l < network.layers().size(); l++) {
            if (network.layers().get(l) instanceof ConvLayer) {
                return l;
            }
        }
        return -1;
    }

    /** The first model's description, and under {@code models} every model's. */
    private void describe(Context ctx) {
        Map<String, Object> answer = description(model);
        answer.put("models", models.stream().map(DemoServer::description).toList());
        ctx.contentType("application/json").result(Json.write(answer));
    }

    private static Map<String, Object> description(ModelFile.Model model) {
        Architecture arch = model.network().architecture();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("architecture", arch.text());
        answer.put("layers", arch.sizes());
        answer.put("activations", arch.activations().stream().map(Activation::id).toList());
        answer.put("training", model.info().training());
        answer.put("dataset", model.info().dataset());
        answer.put("class_names", model.info().classNames());
        answer.put("test_accuracy", Double.isNaN(model.info().testAccuracy()) ? null : model.info().testAccuracy());
        return answer;
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(Json.write(Map.of("error", message)));
    }

    /** A request the client must change; answered with 400. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
