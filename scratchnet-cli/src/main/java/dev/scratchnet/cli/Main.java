package dev.scratchnet.cli;

import dev.scratchnet.data.DataException;
import dev.scratchnet.io.FileErrors;
import dev.scratchnet.io.ModelFormatException;
import dev.scratchnet.tensor.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code scratchnet} command. */
@Command(name = "scratchnet", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Feed-forward neural networks from scratch: train on MNIST, evaluate, predict.",
        footer = {"", "On Apache Spark (through ./scratchnet): train --spark MASTER, sweep (a grid of trainings) and cluster "
                + "(a standalone cluster on 127.0.0.1); ./scratchnet help sweep tells more."})
public final class Main {

    /**
     * The subcommands by name, in the order the help lists them; each made only when a command line needs it.
     * Serve runs train when it has no model yet, so a command line for serve has train too.
     */
    private static final List<Map.Entry<String, Supplier<Object>>> COMMANDS = List.of(
            Map.entry("train", TrainCommand::new), Map.entry("evaluate", EvaluateCommand::new),
            Map.entry("predict", PredictCommand::new), Map.entry("ensemble", EnsembleCommand::new),
            Map.entry("export", ExportCommand::new), Map.entry("data", DataCommand::new),
            Map.entry("bench", BenchCommand::new), Map.entry("serve", ServeCommand::new),
            Map.entry("report", ReportCommand::new), Map.entry("help", CommandLine.HelpCommand::new));

    public static void main(String[] args) {
        exit(commandLineFor(args), args);
    }

    /**
     * Runs {@code cli} and exits with its code; a Java heap too small for the work is one line that names the
     * cap and how to raise it (SCRATCHNET_DEBUG=1 adds the stack trace). Used by scratchnet-spark's main too.
     */
    public static void exit(CommandLine cli, String[] args) {
        try {
            System.exit(cli.execute(args));
        } catch (OutOfMemoryError e) {
            System.err.println(outOfMemory(e, Runtime.getRuntime().maxMemory()));
            if (System.getenv("SCRATCHNET_DEBUG") != null) {
                e.printStackTrace();
            }
            System.exit(1);
        }
    }

    /** The one line for running out of memory; the heap advice only where a larger heap is the cure. */
    static String outOfMemory(OutOfMemoryError e, long maxHeapBytes) {
        if (!"Java heap space".equals(e.getMessage())) {
            return "scratchnet: error: out of memory: " + e.getMessage();
        }
        long gib = Math.max(1, (maxHeapBytes + (1L << 29)) >> 30);
        return "scratchnet: error: out of memory in a Java heap of at most " + (maxHeapBytes >> 20) + " MB; give it more,"
                + " e.g. SCRATCHNET_JAVA_OPTS=-Xmx" + 2 * gib + "g ./scratchnet ...";
    }

    /** Runs the command line in-process and returns its exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the command line in-process with its output and errors going to the given writers. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /**
     * Checks {@code train} arguments as {@code train} would before it loads any data (scratchnet-spark's sweep
     * checks every run's flags this way first): a one-line {@link IllegalArgumentException} if they are bad.
     */
    public static void checkTrain(String... args) {
        try {
            CommandLine.ParseResult parsed = commandLine().parseArgs(args);
            if (parsed.subcommand() == null || !(parsed.subcommand().commandSpec().userObject() instanceof TrainCommand train)) {
                throw new IllegalArgumentException("not a train command: " + String.join(" ", args));
            }
            train.checkFlags();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The command line with its error handling, and any further commands (scratchnet-spark's) beside ours. */
    public static CommandLine commandLine(Object... moreCommands) {
        return commandLine(name -> true, moreCommands);
    }

    /**
     * The command line for running {@code args}: when they start with the name of one of our commands other
     * than help, that command alone (with train beside serve) and {@code moreCommands}; for --version alone,
     * none; otherwise all of them, for the help and the message about a mistyped command. Picocli reads every
     * command's annotations by reflection: with all ten built, {@code --version} took 0.20 to 0.32 s wall and
     * {@code predict} 0.32 to 0.46 s, against 0.16 to 0.20 and 0.27 to 0.31 s with only what they run.
     */
    public static CommandLine commandLineFor(String[] args, Object... moreCommands) {
        String first = args.length > 0 ? args[0] : "";
        if (args.length == 1 && (first.equals("--version") || first.equals("-V"))) {
            return commandLine(name -> false);
        }
        boolean ours = !first.equals("help") && COMMANDS.stream().anyMatch(c -> c.getKey().equals(first));
        return commandLine(name -> !ours || name.equals(first) || first.equals("serve") && name.equals("train"),
                moreCommands);
    }

    private static CommandLine commandLine(Predicate<String> needed, Object... moreCommands) {
        CommandLine cli = new CommandLine(new Main());
        for (Map.Entry<String, Supplier<Object>> command : COMMANDS) {
            if (needed.test(command.getKey())) {
                cli.addSubcommand(command.getValue().get());
            }
        }
        for (Object command : moreCommands) {
            cli.addSubcommand(command);
        }
        cli.setCaseInsensitiveEnumValuesAllowed(false);
        cli.setExecutionExceptionHandler(Main::handleError);
        cli.setParameterExceptionHandler(Main::handleBadParameter);
        giveVersion(cli);
        return cli;
    }

    /** Every command's -V prints the version (a subcommand has no version of its own: it printed nothing). */
    private static void giveVersion(CommandLine cli) {
        cli.getCommandSpec().versionProvider(new Version());
        cli.getSubcommands().values().forEach(Main::giveVersion);
    }

    /** Errors from the user's input are one line and exit 1; anything else is a bug, still one line. */
    private static int handleError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof IllegalArgumentException || e instanceof DataException || e instanceof ModelFormatException
                || e instanceof dev.scratchnet.train.TrainingException
                || e instanceof UncheckedIOException) {
            err.println("scratchnet: error: " + e.getMessage());
        } else if (e instanceof IOException io) {
            err.println("scratchnet: error: " + FileErrors.reason(io));
        } else {
            err.println("scratchnet: internal error: " + e + " (set SCRATCHNET_DEBUG=1 for a stack trace)");
            if (System.getenv("SCRATCHNET_DEBUG") != null) {
                e.printStackTrace(err);
            }
        }
        err.flush();
        return 1;
    }

    /** Picocli's message, its suggestions for a mistyped command or option ("Did you mean: scratchnet train?"), a hint. */
    private static int handleBadParameter(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("scratchnet: error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return 2;
    }

    @Command(name = "help")
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "scratchnet " + (version == null ? "dev" : version),
                "kernel: " + Kernels.best().name()
                        + (Kernels.vectorApiPresent() ? "" : " (start the JVM with --add-modules jdk.incubator.vector for SIMD)"),
                "java: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
                "cores: " + Runtime.getRuntime().availableProcessors()
            };
        }
    }
}
