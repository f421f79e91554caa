package dev.scratchnet.spark;

import dev.scratchnet.cli.Main;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
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
        List<Grid.Run> runs = parsed.runs();
        Map<Grid.Run, List<String>> args = new LinkedHashMap<>();
        for (Grid.Run run : runs) { // every run's flags checked as train checks them, before anything starts
            List<String> a = trainArgs(run, parsed);
            try {
                Main.checkTrain(a.toArray(String[]::new));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("run " + run.name() + ": " + e.getMessage());
            }
            args.put(run, a);
        }
        SparkConnection.check(master);
        RunFolders folders = new RunFolders(out);
        folders.prepare();
        List<Grid.Run> missing = new ArrayList<>();
        for (Grid.Run run : runs) {
            if (folders.finished(run, args.get(run)).isEmpty()) {
                missing.add(run);
            }
        }
        log.printf(Locale.ROOT, "Sweep of %d runs (%d finished before, %d to train) on %s into %s%n", runs.size(),
                runs.size() - missing.size(), missing.size(), master, out);
        log.flush();
        int failed = missing.isEmpty() ? 0 : train(missing, args, folders, log);
        List<Summary.Row> rows = new ArrayList<>();
        for (Grid.Run run : runs) {
            folders.finished(run, args.get(run)).ifPresent(rows::add);
        }
        Summary.write(out, List.copyOf(parsed.axes().keySet()), rows);
        log.println(Files.readString(out.resolve("summary.md")).stripTrailing());
        log.printf("Wrote %s and %s (%d of %d runs)%n", out.resolve("summary.csv"), out.resolve("summary.md"),
                rows.size(), runs.size());
        if (failed > 0) {
            throw new IllegalArgumentException(failed + " run(s) failed or were stopped (see above; a failed run's "
                    + "output is in runs/RUN.failed.log); run the same command again to train them");
        }
        return 0;
    }

    /**
     * The run's train flags: the preset, the grid's values, then the sweep's --epochs, --validation, --dataset
     * and --data. A key set both by the grid and by the sweep's own flag is refused.
     */
    List<String> trainArgs(Grid.Run run, Grid parsed) {
        List<String> args = new ArrayList<>(List.of("train"));
        Map<String, String> sweepFlags = new LinkedHashMap<>();
        sweepFlags.put("preset", parsed.axes().containsKey("preset") ? null : preset);
        sweepFlags.put("epochs", epochs == null ? null : epochs.toString());
        sweepFlags.put("validation", validation == null ? null : validation.toString());
        sweepFlags.put("dataset", dataset);
        sweepFlags.put("data", data == null ? null : data.toAbsolutePath().normalize().toString());
        if (parsed.axes().containsKey("preset") && spec.commandLine().getParseResult().hasMatchedOption("--preset")) {
            throw new IllegalArgumentException("--grid preset and --preset both set the preset; give one");
        }
        sweepFlags.forEach((key, value) -> {
            if (value != null && parsed.axes().containsKey(key)) {
                throw new IllegalArgumentException("--grid " + key + " and --" + key + " both set " + key + "; give one");
            }
        });
        if (sweepFlags.get("preset") != null) {
            args.add("--preset=" + preset);
        }
        CommandLine train = Main.commandLine().getSubcommands().get("train");
        for (String key : parsed.axes().keySet()) {
            String value = run.values().get(key);
            if (train.getCommandSpec().findOption("--" + key).typeInfo().isBoolean()) {
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
        sweepFlags.forEach((key, value) -> {
            if (value != null && !key.equals("preset")) {
                args.add("--" + key + "=" + value);
            }
        });
        args.addAll(List.of("--seed", Long.toString(run.seed())));
        return args;
    }

    /** Trains the runs as concurrent Spark jobs of one task each; returns how many failed. */
    private int train(List<Grid.Run> runs, Map<Grid.Run, List<String>> args, RunFolders folders, PrintWriter log)
            throws Exception {
        AtomicBoolean stopping = new AtomicBoolean(); // Ctrl-C: runs that come back cut short are not saved
        Thread hook = new Thread(() -> stopping.set(true), "scratchnet-sweep-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int failed = 0;
        try (JavaSparkContext sc = SparkConnection.connect(master, "scratchnet sweep", runs.size())) {
            ExecutorService jobs = Executors.newFixedThreadPool(Math.min(runs.size(), 64));
            try {
                CompletionService<SweepTask.Result> finished = new ExecutorCompletionService<>(jobs);
                Map<Future<SweepTask.Result>, Grid.Run> submitted = new HashMap<>();
                for (Grid.Run run : runs) { // each its own job, so that each is saved as soon as it is done
                    SweepTask task = new SweepTask(args.get(run));
                    submitted.put(finished.submit(() -> {
                        SweepTask.Result r = sc.parallelize(List.of(run), 1).map(task).collect().get(0);
                        if (!stopping.get()) {
                            folders.save(r, args.get(run));
                        }
                        return r;
                    }), run);
                }
                for (int done = 1; done <= runs.size(); done++) {
                    Future<SweepTask.Result> next = finished.take();
                    Grid.Run run = submitted.get(next);
                    if (!report(next, run, folders, args.get(run), String.format("[%d/%d]", done, runs.size()), log)) {
                        failed++;
                    }
                }
            } finally {
                jobs.shutdownNow();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutdown under way
            }
        }
        return failed;
    }

    /** One line on a run that has ended, with its figures once saved; whether it succeeded. */
    private static boolean report(Future<SweepTask.Result> ended, Grid.Run run, RunFolders folders, List<String> args,
                                  String count, PrintWriter log) throws InterruptedException, java.io.IOException {
        try {
            SweepTask.Result r = ended.get();
            Optional<Summary.Row> row = folders.finished(run, args);
            if (r.exitCode() != 0 || row.isEmpty()) {
                log.printf("%s %s failed: %s%n", count, run.name(), r.exitCode() != 0 ? lastLine(r.log()) : "stopped");
                return false;
            }
            log.printf(Locale.ROOT, "%s %s: best validation %.2f%%, test %.2f%% (%.1f s wall)%n", count, run.name(),
                    100 * row.get().bestValidation(), 100 * row.get().finalTest(), r.wallSeconds());
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            log.printf("%s %s failed: %s%n", count, run.name(), SparkConnection.reason(e));
            return false;
        } finally {
            log.flush();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
