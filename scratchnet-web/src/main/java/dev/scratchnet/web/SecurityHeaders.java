package dev.scratchnet.web;

import io.javalin.http.Context;
import java.util.Map;

/**
 * The headers every response of the demo and the dashboard carries: no MIME sniffing, no referrer, and a
 * content security policy that fits the pages (their own scripts, styles and API, canvases' data: images,
 * no framing by other sites).
 */
final class SecurityHeaders {

    static final Map<String, String> HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY",
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                    + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");

    private SecurityHeaders() {
    }

    /** Sets the headers on a response (a before-handler of every request, static files included). */
    static void apply(Context ctx) {
        HEADERS.forEach(ctx::header);
    }
}
