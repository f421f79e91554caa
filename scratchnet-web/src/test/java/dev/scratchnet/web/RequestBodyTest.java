package dev.scratchnet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.HttpResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The body reader's rate rule, with a short grace: trickling clients fail, a server's own delay does not. */
class RequestBodyTest {

    private static final long RATE = 100_000; // bytes per second
    private static final long GRACE = 50_000_000L; // 50 ms

    /** Gives {@code chunks} reads of {@code size} bytes, sleeping {@code pauseMillis} before each. */
    private static InputStream paced(int chunks, int size, long pauseMillis) {
        return new InputStream() {
            private int left = chunks;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    return -1;
                }
                left--;
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                int n = Math.min(len, size);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                return n;
            }
        };
    }

    @Test
    void aTricklingClientIsCutOffWith408() {
        // 10 bytes every 20 ms is 500 B/s, far below 100 kB/s once the 50 ms grace has passed
        assertThatThrownBy(() -> RequestBody.body(paced(100, 10, 20), RATE, GRACE))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getStatus()).isEqualTo(408))
                .hasMessageContaining("slower than");
    }

    @Test
    void aBodyThatArrivedWholeWhileTheServerWasDelayedIsKept() throws IOException {
        // One read that returns late (the server was descheduled) with all that had arrived, then the end.
        byte[] body = RequestBody.body(paced(1, 16_000, 400), RATE, GRACE); // 35 kB due by then: behind once
        assertThat(body).hasSize(16_000);
        // A fast body of many reads.
        assertThat(RequestBody.body(new ByteArrayInputStream(new byte[300_000]), RATE, GRACE)).hasSize(300_000);
    }

    @Test
    void aBodyOverOneMebibyteIs413() {
        assertThatThrownBy(() -> RequestBody.body(new ByteArrayInputStream(new byte[(1 << 20) + 1]), RATE, GRACE))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getStatus()).isEqualTo(413));
    }
}
