package dev.scratchnet.cli;

/** The {@code --threads} flag that train, evaluate and bench share: checked where it comes in. */
final class Threads {

    private Threads() {
    }

    /** The threads to compute with: the flag's value, or the number of cores when it is not given. */
    static int count(Integer flag) {
        int count = flag == null ? Runtime.getRuntime().availableProcessors() : flag;
        if (count < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + count);
        }
        return count;
    }
}
