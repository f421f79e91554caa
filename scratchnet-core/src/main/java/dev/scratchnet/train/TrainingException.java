package dev.scratchnet.train;

/** Training cannot go on (for example the cost became NaN); the message names the epoch and what to try. */
public final class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }
}
