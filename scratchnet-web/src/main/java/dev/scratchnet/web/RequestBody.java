package dev.scratchnet.web;

import dev.scratchnet.data.DataException;
import dev.scratchnet.data.DigitImage;
import dev.scratchnet.io.Json;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Decoding {@code POST /api/predict}'s body into the network's input: JSON pixels, a raw PNG or JPEG, or a
 * multipart field {@code image}; read no further than {@link #MAX_BODY} however it is framed. Whatever is
 * wrong is a {@link DemoServer.BadRequest} (400) or a 413, with one line saying what to send instead.
 */
final class RequestBody {

    static final long MAX_BODY = 1L << 20;

    private RequestBody() {
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

    /** The network's input from JSON pixels, a raw image body, or a multipart field {@code image}. */
    static float[] input(Context ctx) throws IOException {
        if (ctx.contentLength() > MAX_BODY) {
            throw tooLarge();
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/json")) {
            return pixels(new String(body(ctx), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (type.startsWith("multipart/form-data")) {
            return image(uploaded(ctx));
        }
        if (type.startsWith("image/png") || type.startsWith("image/jpeg")) {
            return image(body(ctx));
        }
        throw new DemoServer.BadRequest("send JSON {\"pixels\": [784 numbers]} or a PNG or JPEG image (Content-Type "
                + "image/png, image/jpeg, or multipart field 'image'); got Content-Type '" + type + "'");
    }

    /**
     * The multipart field {@code image}. The servlet's parser reports a body over the size limit (which a
     * chunked body reveals only as it arrives) and a malformed body as runtime exceptions: 413 and 400 here.
     */
    private static byte[] uploaded(Context ctx) throws IOException {
        UploadedFile file;
        try {
            file = ctx.uploadedFile("image");
        } catch (Exception e) { // the parser throws IOException undeclared, e.g. "Missing initial multi part boundary"
            if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("exceeds")) {
                throw tooLarge();
            }
            throw new DemoServer.BadRequest("the multipart body cannot be read (" + firstLine(e) + ")");
        }
        if (file == null) {
            throw new DemoServer.BadRequest("the multipart body has no field 'image'");
        }
        try (InputStream in = file.content()) {
            return in.readAllBytes();
        }
    }

    private static String firstLine(Exception e) {
        Throwable root = e.getCause() != null ? e.getCause() : e;
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }

    private static float[] image(byte[] bytes) {
        try {
            return DigitImage.fromBytes(bytes);
        } catch (DataException e) {
            throw new DemoServer.BadRequest(e.getMessage());
        }
    }

    static float[] pixels(String body) {
        Object json;
        try {
            json = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new DemoServer.BadRequest(e.getMessage());
        }
        if (!(json instanceof Map<?, ?> map) || !(map.get("pixels") instanceof List<?> list)) {
            throw new DemoServer.BadRequest("expected a JSON object {\"pixels\": [784 numbers in [0,1]]}");
        }
        int side = DigitImage.SIDE * DigitImage.SIDE;
        if (list.size() != side) {
            throw new DemoServer.BadRequest("expected " + side + " pixels (28×28, row-major), got " + list.size());
        }
        float[] x = new float[side];
        for (int i = 0; i < side; i++) {
            Object v = list.get(i);
            if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
                throw new DemoServer.BadRequest("pixel " + i + " is " + v + "; every pixel must be a number in [0, 1] (ink = 1)");
            }
            x[i] = n.floatValue();
        }
        return x;
    }
}
