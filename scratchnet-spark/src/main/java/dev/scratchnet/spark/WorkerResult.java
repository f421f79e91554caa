package dev.scratchnet.spark;

/**
 * What one worker hands back from a round: its partition, the examples it trained on and their summed
 * cost, its parameters and optimizer state as {@link Snapshot} bytes (not copied: the record only carries
 * them), the nanoseconds it spent training, and the compute kernel it ran ({@code vector-512}, ...).
 */
record WorkerResult(int partition, int examples, double cost, byte[] snapshot, long trainingNanos, String kernel)
        implements java.io.Serializable {
}
