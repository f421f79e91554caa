package dev.scratchnet.web;

import dev.scratchnet.data.DataException;
import dev.scratchnet.data.DigitImage;
import dev.scratchnet.io.Json;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
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
    /** The slowest average rate a body may arrive at, after {@link #GRACE_NANOS}: a digit's few KB take far less. */
    static final long MIN_RATE = 16L << 10;
    static final long GRACE_NANOS = 5_000_000_000L;

    private RequestBody() {
    }

    private static HttpResponseException tooLarge() {
        return new HttpResponseException(413, "the body is over 1 MiB; send a smaller image");
    }

    /**
     * The body, read from the request stream no further than 1 MiB however it is framed (a chunked body
     * declares no length, so the Content-Length check alone would let it through whole), and no slower than
     * {@link #MIN_RATE} bytes per second on average once {@link #GRACE_NANOS} have passed (408), so that a
     * client trickling its body cannot hold a server thread. Time counts from this handler's first read; the
     * rate is checked after each read returns, and only two reads in a row behind it fail the body. So a body
     * whose last bytes arrived while the server itself was delayed (a thread descheduled on a busy machine)
     * is read to its end and kept, while a trickling client fails at its next byte.
     *
     * <p>Jetty's own rule (HttpConfiguration.setMinRequestDataRate) compares with the bytes it has pulled from
     * the socket so far, with no grace: a one-second stall of the server failed a digit's 16 KB body that had
     * arrived whole (one request in about 10,000 of the load test, on a loaded machine).
     */
    static byte[] body(InputStream in, long minRate, long graceNanos) throws IOException {
        long start = System.nanoTime();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 14];
        boolean behind = false;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            out.write(chunk, 0, n);
            if (out.size() > MAX_BODY) {
                throw tooLarge();
            }
            long late = System.nanoTime() - start - graceNanos;
            boolean slow = late > 0 && out.size() < minRate * (double) late / 1e9;
            if (slow && behind) { // behind after two reads in a row
                throw new HttpResponseException(408, "the body arrived slower than " + (minRate >> 10)
                        + " KiB/s; send it faster, or a smaller image");
            }
            behind = slow; // one read behind may be the server's own delay: a body that ends next is whole
        }
        return out.toByteArray();
    }

    private static byte[] body(Context ctx) throws IOException {
        return body(ctx.req().getInputStream(), MIN_RATE, GRACE_NANOS);
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
     * The multipart field {@code image}, parsed from the body read as above. The parser reports a malformed
     * body as runtime exceptions (and IOException undeclared): 400 here.
     */
    private static byte[] uploaded(Context ctx) throws IOException {
        byte[] body = body(ctx);
        jakarta.servlet.http.Part part;
        try {
            var parts = new org.eclipse.jetty.server.MultiPartFormInputStream(new java.io.ByteArrayInputStream(body),
                    ctx.contentType(), new jakarta.servlet.MultipartConfigElement("", MAX_BODY, MAX_BODY, (int) MAX_BODY),
                    null);
            part = parts.getPart("image");
        } catch (Exception e) { // e.g. "Missing initial multi part boundary"
            throw new DemoServer.BadRequest("the multipart body cannot be read (" + firstLine(e) + ")");
        }
        if (part == null) {
            throw new DemoServer.BadRequest("the multipart body has no field 'image'");
        }
        try (InputStream in = part.getInputStream()) {
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
