package dev.scratchnet.cli;

import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.Splits;
import dev.scratchnet.io.AtomicFile;
import dev.scratchnet.io.Json;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Kernels;
import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.Preset;
import dev.scratchnet.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scratchnet bench}: ScratchNet against the peers on this machine, side by side on the same data,
 * network, initialization, η and split. Runs alternate (ours, each peer, ours, each peer …); an engine's
 * s/epoch is the median over epochs 2 to the last of all its runs, shuffling included, evaluation
 * excluded; the ratio is of the medians.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Seconds per epoch against numpy and PyTorch on the same network, and matmul GFLOP/s.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--layers", paramLabel = "LAYERS", defaultValue = "784,100,10",
            description = "The train command's grammar, conv nets included (default: ${DEFAULT-VALUE}); numpy runs MLPs only.")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid",
            description = "Hidden layers: sigmoid, tanh or relu (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--init", paramLabel = "NAME", defaultValue = "fan-in",
            description = "normal, fan-in, xavier or he, as train's --init (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Time a preset's network, init, optimizer, eta, mini-batch, dropout and L2 instead of the flags above "
                    + "(its schedule and augmentation left out on every side).")
    String preset;

    @Option(names = "--batches", paramLabel = "M,M", split = ",", defaultValue = "128,10",
            description = "Mini-batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "2", description = "Alternating runs per engine, for the epoch timings and for the matmul (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--eta", paramLabel = "ETA", defaultValue = "0.5", description = "default: ${DEFAULT-VALUE}")
    float eta;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for every engine (default: the number of cores).")
    Integer threads;

    @Option(names = "--no-peers", description = "Measure ScratchNet alone.")
    boolean noPeers;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int threadCount = Threads.count(threads);
        checkOptions();
        if (preset != null) {
            for (String flag : java.util.List.of("--layers", "--activation", "--init", "--eta", "--batches")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                    throw new IllegalArgumentException(flag + " cannot be given with --preset, which sets it; "
                            + "give --preset alone, or the flags without it");
                }
            }
        }
        BenchSetup setup = preset != null ? BenchSetup.of(Preset.named(preset))
                : BenchSetup.of(layers, activation, init, eta, batches);
        Architecture sizes = setup.architecture();
        DatasetStore.Loaded mnist = DataOptions.store(DatasetSpec.MNIST, List.of(), spec.commandLine().getErr())
                .load(DatasetSpec.MNIST, java.util.Optional.empty());
        Splits splits = Splits.of(mnist.training(), mnist.test(), Splits.BOOK_VALIDATION_SIZE);
        Path dataDir = Path.of(mnist.origin());
        Peers peers = Peers.extract();
        List<Peers.Peer> available = noPeers ? List.of() : peers.available(threadCount);
        List<Peers.Peer> trainers = available.stream().filter(p -> setup.numpyRuns() || !p.name().equals("numpy")).toList();

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("network", setup.describe());
        report.put("scratchnet", Map.of("kernel", Kernels.best().name(), "java", Runtime.version().toString(),
                "threads", threadCount));
        out.printf(Locale.ROOT, "ScratchNet bench: %s; 50,000 MNIST images; s/epoch = median of epochs 2-%d over %d round(s)%n",
                report.get("network"), epochs, rounds);
        out.printf(Locale.ROOT, "scratchnet: kernel %s, Java %s, %d thread(s)%n", Kernels.best().name(),
                Runtime.version(), threadCount);
        for (String name : List.of("numpy", "torch")) {
            if (!noPeers && available.stream().noneMatch(p -> p.name().equals(name))) {
                out.printf(Locale.ROOT, "%s: not found, so not measured (it needs %s)%n", name, Peers.NEEDS.get(name));
            }
        }
        out.flush();

        Map<String, String> peerInfo = new LinkedHashMap<>();
        List<Map<String, Object>> rows = epochRows(setup, splits, threadCount, peers, trainers, dataDir, peerInfo);
        peerInfo.forEach((name, info) -> out.printf(Locale.ROOT, "%s: %s%n", name, info));
        report.put("peers", peerInfo);
        report.put("rows", rows);
        printTable(out, rows);
        report.put("matmul_1024", matmul(out, threadCount, peers, available, dataDir));
        if (json != null) {
            AtomicFile.write(json, (Json.write(report) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.println("Wrote " + json);
        }
        return 0;
    }

    private void checkOptions() {
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2 (epoch 1 is warm-up), got " + epochs);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        OutputFiles.check("--json", json);
        for (int batch : batches) {
            if (batch < 1) {
                throw new IllegalArgumentException("--batches must list sizes of at least 1, got " + batch);
            }
        }
    }

    /** For each mini-batch size, each engine's median s/epoch over the rounds, the engines alternating. */
    private List<Map<String, Object>> epochRows(BenchSetup setup, Splits splits, int threadCount, Peers peers,
                                                List<Peers.Peer> available, Path dataDir, Map<String, String> peerInfo)
            throws java.io.IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int batch : setup.batches()) {
            Map<String, List<Double>> seconds = new LinkedHashMap<>();
            Map<String, Double> accuracy = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                List<EpochMetrics> ours = trainOurs(setup, batch, splits, threadCount);
                seconds.computeIfAbsent("scratchnet", e -> new ArrayList<>())
                        .addAll(ours.subList(1, ours.size()).stream().map(EpochMetrics::seconds).toList());
                accuracy.put("scratchnet", ours.get(ours.size() - 1).testAccuracy());
                for (Peers.Peer peer : available) {
                    List<String> args = new ArrayList<>(List.of("--data", dataDir.toString(), "--layers",
                            setup.architecture().text(), "--batch", String.valueOf(batch), "--eta", String.valueOf(setup.eta()), "--epochs",
                            String.valueOf(epochs), "--threads", String.valueOf(threadCount)));
                    if (peer.name().equals("torch")) {
                        args.addAll(setup.torchArguments());
                    }
                    Map<String, Object> r = peers.run(peer, args);
                    List<?> s = (List<?>) r.get("seconds");
                    seconds.computeIfAbsent(peer.name(), e -> new ArrayList<>())
                            .addAll(s.subList(1, s.size()).stream().map(v -> ((Number) v).doubleValue()).toList());
                    accuracy.put(peer.name(), ((Number) r.get("test_accuracy")).doubleValue());
                    peerInfo.put(peer.name(), r.get("version") + " (" + r.get("blas") + ")");
                }
            }
            double epochFlops = (double) setup.architecture().trainingFlopsPerExample() * splits.training().size();
            rows.addAll(rows(batch, seconds, accuracy, epochFlops));
        }
        return rows;
    }

    /** One table row per engine: its median s/epoch, the GFLOP/s that is, its accuracy, and our ratio to it. */
    private static List<Map<String, Object>> rows(int batch, Map<String, List<Double>> seconds,
                                                  Map<String, Double> accuracy, double epochFlops) {
        double oursMedian = median(seconds.get("scratchnet"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("batch", batch);
            row.put("engine", e.getKey());
            row.put("seconds_per_epoch", median(e.getValue()));
            row.put("train_gflops", epochFlops / median(e.getValue()) / 1e9);
            row.put("test_accuracy", accuracy.get(e.getKey()));
            row.put("ours_over_this", oursMedian / median(e.getValue()));
            rows.add(row);
        }
        return rows;
    }

    /**
     * The 1024³ matmul, ours and numpy's, best of the rounds; printed, and returned for the report. The engines
     * alternate, as for the epochs, so that a slow spell of the machine does not fall on one alone.
     */
    private Map<String, Object> matmul(PrintWriter out, int threadCount, Peers peers, List<Peers.Peer> available,
                                       Path dataDir) throws java.io.IOException {
        Peers.Peer numpyPeer = available.stream().filter(p -> p.name().equals("numpy")).findFirst().orElse(null);
        double oursGflops = 0;
        double numpyGflops = 0;
        for (int round = 0; round < rounds; round++) {
            oursGflops = Math.max(oursGflops, gflops(threadCount));
            if (numpyPeer != null) {
                Map<String, Object> r = peers.run(numpyPeer, List.of("--data", dataDir.toString(), "--epochs", "0", "--gflops"));
                numpyGflops = Math.max(numpyGflops, ((Number) r.get("matmul_1024_gflops")).doubleValue());
            }
        }
        Map<String, Object> gemm = new LinkedHashMap<>();
        gemm.put("scratchnet_gflops", oursGflops);
        out.printf(Locale.ROOT, "%nmatmul 1024x1024x1024 float32, %d thread(s), best of %d round(s): scratchnet %.1f GFLOP/s",
                threadCount, rounds, oursGflops);
        if (numpyPeer != null) {
            gemm.put("numpy_gflops", numpyGflops);
            gemm.put("ours_over_numpy", oursGflops / numpyGflops);
            out.printf(Locale.ROOT, ", numpy %.1f GFLOP/s, ratio %.2f", numpyGflops, oursGflops / numpyGflops);
        }
        out.println();
        return gemm;
    }

    private List<EpochMetrics> trainOurs(BenchSetup setup, int batch, Splits splits, int threadCount) {
        Random random = new Random(1);
        Network net = Network.create(setup.architecture(), setup.init(), random);
        try (Compute compute = new Compute(threadCount)) {
            return new Trainer(net, setup.training(epochs, batch), compute).fit(splits, random).epochs();
        }
    }

    private static void printTable(PrintWriter out, List<Map<String, Object>> rows) {
        out.printf(Locale.ROOT, "%n%-6s %-11s %9s %13s %9s %20s%n", "batch", "engine", "s/epoch", "train GFLOP/s",
                "test acc", "scratchnet / engine");
        for (Map<String, Object> row : rows) {
            boolean ours = row.get("engine").equals("scratchnet");
            out.printf(Locale.ROOT, "%-6s %-11s %9.3f %13.1f %8.2f%% %20s%n", row.get("batch"), row.get("engine"),
                    (Double) row.get("seconds_per_epoch"), (Double) row.get("train_gflops"),
                    100 * (Double) row.get("test_accuracy"),
                    ours ? "" : String.format(Locale.ROOT, "%.2f", (Double) row.get("ours_over_this")));
        }
        out.println("train GFLOP/s: the products' FLOP of a training epoch (forward, BP2, BP4) over its seconds;"
                + " compare the 1024^3 matmul below");
        out.flush();
    }

    /** Best of 20 timed 1024³ products on the pool after 3 untimed ones (the numpy peer warms up too), GFLOP/s. */
    static double gflops(int threads) {
        int n = 1024;
        Random random = new Random(3);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
            b[i] = random.nextFloat();
        }
        try (Compute compute = new Compute(threads)) {
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 23; rep++) {
                long t = System.nanoTime();
                compute.ab(a, b, c, n, n, n, false);
                if (rep >= 3) {
                    best = Math.min(best, (System.nanoTime() - t) / 1e9);
                }
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
