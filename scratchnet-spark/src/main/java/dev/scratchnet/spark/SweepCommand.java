package dev.scratchnet.spark;

import dev.scratchnet.cli.Main;
import dev.scratchnet.io.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet sweep}: a grid of trainings, one Spark task each, resumable in its output folder. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train every combination of a grid of train flags, each run an ordinary local training in one "
                + "Spark task (one executor core), and tabulate them by validation accuracy.",
            "Writes DIR/runs/RUN/{metrics.jsonl,model.safetensors,train.log}, DIR/summary.csv and DIR/summary.md; "
                    + "run again with the same DIR, it trains only the runs that are missing."})
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--spark", paramLabel = "MASTER", defaultValue = "local[*]",
            description = "local[N] or spark://HOST:PORT (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "default",
            description = "The preset every run starts from (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--grid", paramLabel = "KEY=V1,V2", required = true,
            description = "A train flag without its dashes and its values: --grid eta=0.1,0.5 --grid batch=10,32; "
                    + "values holding commas are separated by |: --grid 'layers=784,100,10|784,300,10'.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--seeds", paramLabel = "S1,S2", split = ",", description = "Seeds, each run once per seed (default: 1).")
    List<Long> seeds = new ArrayList<>(List.of(1L));

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of every run (default: the preset's).")
    Integer epochs;

    @Option(names = "--validation", paramLabel = "N",
            description = "Training images every run holds out for validation (default: train's, 10000).")
    Integer validation;

    @Option(names = "--dataset", paramLabel = "NAME", description = "mnist or fashion-mnist (default: mnist).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "A folder with the IDX files, on every executor's machine.")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "The sweep's folder.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        CommandLine train = Main.commandLine().getSubcommands().get("train");
        Grid parsed = Grid.parse(grid, seeds, key -> train.getCommandSpec().findOption("--" + key) != null);
        if (epochs != null && epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        List<Grid.Run> runs = parsed.runs();
        for (Grid.Run run : runs) {
            check(train, run, parsed);
        }
        Path runsDir = out.resolve("runs");
        Files.createDirectories(runsDir);
        removeUnfinished(runsDir);
        List<Grid.Run> missing = new ArrayList<>();
        for (Grid.Run run : runs) {
            if (Summary.read(runsDir.resolve(run.name()), run).isEmpty()) {
                missing.add(run);
            }
        }
        log.printf(Locale.ROOT, "Sweep of %d runs (%d finished before, %d to train) on %s into %s%n", runs.size(),
                runs.size() - missing.size(), missing.size(), master, out);
        log.flush();
        int failed = missing.isEmpty() ? 0 : train(missing, parsed, runsDir, log);
        List<Summary.Row> rows = new ArrayList<>();
        for (Grid.Run run : runs) {
            Summary.read(runsDir.resolve(run.name()), run).ifPresent(rows::add);
        }
        Summary.write(out, List.copyOf(parsed.axes().keySet()), rows);
        log.println(Files.readString(out.resolve("summary.md")).stripTrailing());
        log.printf("Wrote %s and %s (%d of %d runs)%n", out.resolve("summary.csv"), out.resolve("summary.md"),
                rows.size(), runs.size());
        if (failed > 0) {
            throw new IllegalArgumentException(failed + " run(s) failed (see above and their train.log); "
                    + "run the same command again to retry them");
        }
        return 0;
    }

    /** The run's train flags: the preset, the grid's values, the sweep's epochs and data. */
    List<String> trainArgs(Grid.Run run, Grid parsed) {
        List<String> args = new ArrayList<>(List.of("train", "--preset", preset));
        CommandLine train = Main.commandLine().getSubcommands().get("train");
        for (String key : parsed.axes().keySet()) {
            String value = run.values().get(key);
            CommandLine.Model.OptionSpec option = train.getCommandSpec().findOption("--" + key);
            if (option.typeInfo().isBoolean()) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException("--grid " + key + ": '" + value + "' is not true or false");
                }
                if (value.equals("true")) {
                    args.add("--" + key);
                }
            } else {
                args.add("--" + key + "=" + value);
            }
        }
        if (epochs != null) {
            args.add("--epochs=" + epochs);
        }
        if (validation != null) {
            args.add("--validation=" + validation);
        }
        if (dataset != null) {
            args.add("--dataset=" + dataset);
        }
        if (data != null) {
            args.add("--data=" + data.toAbsolutePath());
        }
        return args;
    }

    /** Every run's flags parse before anything is trained (picocli's own checks of each value). */
    private void check(CommandLine train, Grid.Run run, Grid parsed) {
        List<String> args = trainArgs(run, parsed);
        try {
            Main.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("run " + run.name() + ": " + e.getMessage());
        }
    }

    /** Trains the runs as concurrent Spark jobs of one task each; returns how many failed. */
    private int train(List<Grid.Run> runs, Grid parsed, Path runsDir, PrintWriter log) throws Exception {
        int failed = 0;
        try (JavaSparkContext sc = SparkConnection.connect(master, "scratchnet sweep")) {
            ExecutorService jobs = Executors.newFixedThreadPool(Math.min(runs.size(), 64));
            try {
                CompletionService<SweepTask.Result> finished = new ExecutorCompletionService<>(jobs);
                Map<Future<SweepTask.Result>, Grid.Run> submitted = new HashMap<>();
                for (Grid.Run run : runs) { // each its own job, so that each is saved as soon as it is done
                    SweepTask task = new SweepTask(trainArgs(run, parsed));
                    submitted.put(finished.submit(() -> save(sc.parallelize(List.of(run), 1).map(task).collect().get(0),
                            runsDir)), run);
                }
                for (int done = 1; done <= runs.size(); done++) {
                    Future<SweepTask.Result> next = finished.take();
                    if (!report(next, submitted.get(next), runsDir, String.format("[%d/%d]", done, runs.size()), log)) {
                        failed++;
                    }
                }
            } finally {
                jobs.shutdownNow();
            }
        }
        return failed;
    }

    /** One line on a run that has ended; whether it succeeded. */
    private static boolean report(Future<SweepTask.Result> ended, Grid.Run run, Path runsDir, String count,
                                  PrintWriter log) throws IOException, InterruptedException {
        try {
            SweepTask.Result r = ended.get();
            if (r.exitCode() != 0) {
                log.printf("%s %s failed: %s%n", count, run.name(), lastLine(r.log()));
                return false;
            }
            Summary.Row row = Summary.read(runsDir.resolve(run.name()), run).orElseThrow();
            log.printf(Locale.ROOT, "%s %s: best validation %.2f%%, test %.2f%% (%.1f s wall)%n", count, run.name(),
                    100 * row.bestValidation(), 100 * row.finalTest(), r.wallSeconds());
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            log.printf("%s %s failed on Spark: %s%n", count, run.name(), e.getCause().getMessage());
            return false;
        } finally {
            log.flush();
        }
    }

    /**
     * Writes a finished run's files into a temporary folder and renames it into place, so a run's folder is
     * either whole or absent; a failed run leaves only its log, under a name the next sweep does not skip.
     */
    private static SweepTask.Result save(SweepTask.Result r, Path runsDir) throws IOException {
        if (r.exitCode() != 0) {
            AtomicFile.write(runsDir.resolve(r.name() + ".failed.log"), r.log().getBytes(StandardCharsets.UTF_8));
            return r;
        }
        Path tmp = Files.createTempDirectory(runsDir, "." + r.name() + ".");
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.write(tmp.resolve("metrics.jsonl"), r.metrics());
        Files.write(tmp.resolve("model.safetensors"), r.model());
        Files.writeString(tmp.resolve("train.log"), r.log());
        Path target = runsDir.resolve(r.name());
        Files.deleteIfExists(runsDir.resolve(r.name() + ".failed.log"));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return r;
    }

    /** Temporary folders a stopped sweep left behind (".RUN.123"): never whole runs, so they go. */
    private static void removeUnfinished(Path runsDir) throws IOException {
        try (var entries = Files.list(runsDir)) {
            for (Path tmp : entries.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
                try (var files = Files.walk(tmp)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
