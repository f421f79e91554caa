package dev.scratchnet.spark;

import dev.scratchnet.cli.Main;

/**
 * The {@code scratchnet} command with Spark on the class path: every command of the core command line
 * (where {@code train --spark} finds {@link SparkScaleOut}), plus {@code sweep} and {@code cluster}. The
 * launcher runs this class for those three uses only.
 */
public final class SparkMain {

    private SparkMain() {
    }

    public static void main(String[] args) {
        Main.exit(Main.commandLineFor(args, new SweepCommand(), new ClusterCommand()), args);
    }
}
