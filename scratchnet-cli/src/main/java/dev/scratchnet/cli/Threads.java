package dev.scratchnet.cli;

/** The {@code --threads} flag that train, evaluate and bench share: checked where it comes in. */
final class Threads {

    private Threads() {
    }

    /** More threads than this many per core only wait on each other (1000 on 2 cores trained 290× slower). */
    static final int PER_CORE = 4;

    /** The threads to compute with: the flag's value, or the number of cores when it is not given. */
    static int count(Integer flag) {
        int cores = Runtime.getRuntime().availableProcessors();
        int count = flag == null ? cores : flag;
        if (count < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + count);
        }
        if (count > PER_CORE * cores) {
            throw new IllegalArgumentException("--threads " + count + " is more than " + PER_CORE + " per core on this "
                    + cores + "-core machine; use at most " + PER_CORE * cores + " (the default, " + cores
                    + ", is usually fastest)");
        }
        return count;
    }
}
