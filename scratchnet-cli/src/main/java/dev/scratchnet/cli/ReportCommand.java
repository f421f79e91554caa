package dev.scratchnet.cli;

import dev.scratchnet.data.DataException;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.io.FileErrors;
import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.web.Report;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet report}: a self-contained HTML report with pictures. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write an HTML report: learning curves, confusion heat map, the most confidently wrong test "
                + "digits and the first layer's weights.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model saved by train.")
    Path model;

    @Option(names = "--metrics", paramLabel = "FILE", description = "The --metrics file of its training, for learning curves.")
    Path metrics;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for index.html and its pictures.")
    Path out;

    @Mixin
    DataOptions data = new DataOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; give a folder");
        }
        OutputFiles.check("--out", out.resolve("index.html"));
        ModelFile.Model loaded = ModelFile.load(model);
        DatasetSpec dataset = data.spec(loaded.info().dataset().isEmpty() ? "mnist" : loaded.info().dataset());
        DatasetStore.Loaded sets = data.load(dataset, spec.commandLine().getErr());
        if (sets.test().imageSize() != loaded.network().inputSize()) {
            throw new DataException("the model takes " + loaded.network().inputSize() + " inputs but " + dataset.name()
                    + " images have " + sets.test().imageSize() + " pixels");
        }
        List<Path> written = Report.write(out, model, loaded, sets.test(), readMetrics());
        stdout.println("Wrote " + written.size() + " files; open " + out.resolve("index.html"));
        return 0;
    }

    private List<Map<?, ?>> readMetrics() throws IOException {
        List<Map<?, ?>> lines = new ArrayList<>();
        if (metrics == null) {
            return lines;
        }
        List<String> text;
        try {
            text = Files.readAllLines(metrics);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no metrics file " + metrics);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read metrics file " + metrics + " (" + FileErrors.what(e) + ")", e);
        }
        for (int i = 0; i < text.size(); i++) {
            if (text.get(i).isBlank()) {
                continue;
            }
            try {
                if (!(Json.parse(text.get(i)) instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("not a JSON object");
                }
                lines.add(map);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(metrics + " line " + (i + 1) + " is not a metrics line ("
                        + e.getMessage() + "); give the file train --metrics wrote");
            }
        }
        return lines;
    }
}
