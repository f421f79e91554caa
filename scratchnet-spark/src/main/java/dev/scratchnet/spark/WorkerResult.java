package dev.scratchnet.spark;

/**
 * What one worker hands back from a round: its partition, the examples it trained on and their summed
 * cost, its parameters and optimizer state as {@link Snapshot} bytes, and the nanoseconds it spent training.
 */
record WorkerResult(int partition, int examples, double cost, byte[] snapshot, long trainingNanos)
        implements java.io.Serializable {
}
