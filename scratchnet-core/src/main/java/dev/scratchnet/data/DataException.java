package dev.scratchnet.data;

/** A data set or image that cannot be used; the message says what is wrong and how to fix it. */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
