package dev.scratchnet.spark;

import dev.scratchnet.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** Runs the Spark command line (SparkMain's) in-process and captures what it printed. */
record SparkCli(int exit, String out, String err) {

    static SparkCli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLineFor(args, new SweepCommand(), new ClusterCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new SparkCli(exit, out.toString(), err.toString());
    }

    /** The error output's non-empty lines (Spark's own log goes to the JVM's standard error, not here). */
    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }
}
