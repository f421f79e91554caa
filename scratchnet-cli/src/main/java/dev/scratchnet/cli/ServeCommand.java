package dev.scratchnet.cli;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.web.DemoServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet serve}: the draw-a-digit page and its API. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a page to draw digits on and watch the network answer, and its JSON API.",
            "With no --model and no models/mnist-default.safetensors, trains the default model first."})
final class ServeCommand implements Callable<Integer> {

    static final Path DEFAULT_MODEL = Path.of("models", "mnist-default.safetensors");

    @Option(names = "--model", paramLabel = "FILE", description = "A model saved by train (default: "
            + "models/mnist-default.safetensors); more than once to serve an ensemble's vote.")
    List<Path> models;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        checkPort(port);
        Path file = models != null ? models.get(0) : DEFAULT_MODEL;
        if (models == null && !Files.exists(file)) {
            out.println("No " + file + " yet: training the default model first.");
            out.flush();
            int code = spec.commandLine().getParent().getSubcommands().get("train").execute("--save", file.toString());
            if (code != 0) {
                return code;
            }
        }
        List<ModelFile.Model> all = Models.load(models != null ? models : List.of(file));
        ModelFile.Model loaded = all.get(0);
        Dataset test = testSet(loaded, spec.commandLine().getErr());
        try (DemoServer server = new DemoServer(all, test)) {
            int actual;
            try {
                actual = server.start(host, port);
            } catch (RuntimeException e) {
                Throwable root = root(e);
                if (root instanceof java.net.UnknownHostException || root instanceof java.nio.channels.UnresolvedAddressException) {
                    throw new IllegalArgumentException("--host " + host + " is not an address of this machine; use "
                            + "127.0.0.1 (this machine only) or 0.0.0.0 (every network it is on)");
                }
                String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
                throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + why
                        + "); choose another --host or --port");
            }
            for (int m = 0; m < all.size(); m++) {
                ModelSummary.print(out, models != null ? models.get(m) : file, all.get(m));
            }
            out.printf("Serving on http://%s:%d/  (Ctrl-C to stop)%n", host, actual);
            out.flush();
            new CountDownLatch(1).await(); // until the JVM is stopped
        }
        return 0;
    }

    /** The model's test set for the random-digit button and the mistakes gallery, or null when unavailable. */
    private static Dataset testSet(ModelFile.Model model, PrintWriter err) {
        String name = model.info().dataset().isEmpty() ? "mnist" : model.info().dataset();
        try {
            DatasetSpec dataset = DatasetSpec.named(name);
            return DataOptions.store(dataset, List.of(), err).load(dataset, Optional.empty()).test();
        } catch (RuntimeException e) {
            err.println("Serving without test digits: " + e.getMessage());
            err.flush();
            return null;
        }
    }

    /** The --port rule of every command that listens. */
    static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
    }

    private static Throwable root(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
