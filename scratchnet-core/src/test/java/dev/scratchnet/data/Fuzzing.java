package dev.scratchnet.data;

/** What every fuzz target asks of a refusal: one line that names the problem. */
public final class Fuzzing {

    private Fuzzing() {
    }

    /**
     * Fails unless the exception's message is one non-empty line that does not end with "(null)", the mark of
     * a reason taken from an exception without a message (names from the input may hold anything, so only
     * the end is checked).
     */
    public static void oneLine(RuntimeException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank() || message.contains("\n") || message.endsWith("(null)")) {
            throw new AssertionError("not a one-line message: " + message, e);
        }
    }
}
