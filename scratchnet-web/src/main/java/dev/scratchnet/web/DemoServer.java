package dev.scratchnet.web;

import dev.scratchnet.data.DataException;
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
import io.javalin.config.SizeUnit;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
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

    static final long MAX_BODY = 1L << 20;
    /** Bytes per second below which a request body is cut off. */
    static final long MIN_BODY_RATE = 16L << 10;

    private final ModelFile.Model model;
    private final List<ModelFile.Model> models;
    private final Ensemble ensemble;
    private final Dataset test;
    private final List<Integer> mistakes = new ArrayList<>();
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
        if (model.network().inputSize() != DigitImage.SIDE * DigitImage.SIDE) {
            throw new IllegalArgumentException("the demo needs a model of 784 inputs (28×28 images), this one takes "
                    + model.network().inputSize());
        }
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_BODY;
            config.jetty.multipartConfig.maxTotalRequestSize(MAX_BODY, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(MAX_BODY, SizeUnit.BYTES);
            // A client that sends its body slower than this is cut off (408), so slow clients cannot hold the
            // server's threads; a phone on a poor link still sends a digit's few kilobytes far faster.
            config.jetty.modifyHttpConfiguration(http -> http.setMinRequestDataRate(MIN_BODY_RATE));
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
        app.before(SecurityHeaders::apply);
        app.post("/api/predict", this::predict);
        app.get("/api/model", this::describe);
        app.get("/api/test-digit", this::testDigit);
        app.get("/api/mistakes", this::mistakes);
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
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

    private void predict(Context ctx) throws IOException {
        if (ctx.contentLength() > MAX_BODY) {
            throw tooLarge();
        }
        ctx.contentType("application/json").result(Json.write(answer(input(ctx))));
    }

    private static HttpResponseException tooLarge() {
        return new HttpResponseException(413, "the body is over 1 MiB; send a smaller image");
    }

    /**
     * The body, read from the request stream no further than 1 MiB however it is framed: a chunked body
     * declares no length, so the Content-Length check alone would let it through whole.
     */
    private static byte[] body(Context ctx) throws IOException {
        byte[] bytes = ctx.req().getInputStream().readNBytes((int) MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw tooLarge();
        }
        return bytes;
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
        Map<String, Object> answer = answer(test.image(i));
        answer.put("index", i);
        answer.put("label", test.label(i));
        ctx.contentType("application/json").result(Json.write(answer));
    }

    /** The test digits the network gets wrong: index, label and answer of each (the pixels come from test-digit). */
    private void mistakes(Context ctx) {
        if (test == null) {
            throw new HttpResponseException(404, "this server has no test digits (start it with the data set available)");
        }
        List<Object> list = new ArrayList<>();
        int limit = Math.min(mistakes.size(), 100);
        for (int m = 0; m < limit; m++) {
            int i = mistakes.get(m);
            Map<String, Object> entry = answer(test.image(i));
            entry.put("index", i);
            entry.put("label", test.label(i));
            entry.remove("hidden");
            entry.remove("feature_maps");
            list.add(entry);
        }
        ctx.contentType("application/json").result(Json.write(Map.of("total", mistakes.size(), "mistakes", list)));
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
        if (network.layers().get(0) instanceof ConvLayer conv) {
            answer.put("feature_maps", FeatureMaps.of(activations[0], conv.outputShape()));
        } else {
            answer.put("hidden", activations.length > 1 ? activations[0] : new float[0]);
        }
        return answer;
    }

    /** The network's input from JSON pixels, a raw image body, or a multipart field {@code image}. */
    private float[] input(Context ctx) throws IOException {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/json")) {
            return pixels(new String(body(ctx), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (type.startsWith("multipart/form-data")) {
            UploadedFile file = ctx.uploadedFile("image");
            if (file == null) {
                throw new BadRequest("the multipart body has no field 'image'");
            }
            try (InputStream in = file.content()) {
                return image(in.readAllBytes());
            }
        }
        if (type.startsWith("image/png") || type.startsWith("image/jpeg")) {
            return image(body(ctx));
        }
        throw new BadRequest("send JSON {\"pixels\": [784 numbers]} or a PNG or JPEG image (Content-Type "
                + "image/png, image/jpeg, or multipart field 'image'); got Content-Type '" + type + "'");
    }

    private static float[] image(byte[] bytes) {
        try {
            return DigitImage.fromBytes(bytes);
        } catch (DataException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    static float[] pixels(String body) {
        Object json;
        try {
            json = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        if (!(json instanceof Map<?, ?> map) || !(map.get("pixels") instanceof List<?> list)) {
            throw new BadRequest("expected a JSON object {\"pixels\": [784 numbers in [0,1]]}");
        }
        int side = DigitImage.SIDE * DigitImage.SIDE;
        if (list.size() != side) {
            throw new BadRequest("expected " + side + " pixels (28×28, row-major), got " + list.size());
        }
        float[] x = new float[side];
        for (int i = 0; i < side; i++) {
            Object v = list.get(i);
            if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
                throw new BadRequest("pixel " + i + " is " + v + "; every pixel must be a number in [0, 1] (ink = 1)");
            }
            x[i] = n.floatValue();
        }
        return x;
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
