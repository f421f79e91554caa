package dev.scratchnet.spark;

import dev.scratchnet.io.AtomicFile;
import dev.scratchnet.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A sweep's {@code summary.csv} and {@code summary.md}: one row per finished run, best validation accuracy
 * first. {@code seconds} is the run's training time (the metrics file's {@code total_seconds}).
 */
final class Summary {

    /** A finished run's figures, read back from its metrics file. */
    record Row(Grid.Run run, double bestValidation, double finalTest, double seconds) {
    }

    private Summary() {
    }

    /** The run's figures, when its folder holds a finished metrics file and a model. */
    static Optional<Row> read(Path runDir, Grid.Run run) throws IOException {
        Path metrics = runDir.resolve("metrics.jsonl");
        if (!Files.isRegularFile(metrics) || !Files.isRegularFile(runDir.resolve("model.safetensors"))) {
            return Optional.empty();
        }
        double best = Double.NaN;
        Map<?, ?> last = null;
        for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            if (m.get("validation_accuracy") instanceof Number v && !(v.doubleValue() <= best)) {
                best = v.doubleValue();
            }
            last = m;
        }
        if (last == null || !Boolean.TRUE.equals(last.get("final"))) {
            return Optional.empty();
        }
        return Optional.of(new Row(run, best, ((Number) last.get("test_accuracy")).doubleValue(),
                ((Number) last.get("total_seconds")).doubleValue()));
    }

    static void write(Path out, List<String> keys, List<Row> rows) throws IOException {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble((Row r) -> Double.isNaN(r.bestValidation()) ? -1 : r.bestValidation())
                .reversed().thenComparing(r -> r.run().name()));
        StringBuilder csv = new StringBuilder("run");
        keys.forEach(k -> csv.append(',').append(k));
        csv.append(",seed,best_validation_accuracy,final_test_accuracy,seconds\n");
        StringBuilder md = new StringBuilder("| run | ").append(String.join(" | ", keys))
                .append(" | seed | best validation accuracy | final test accuracy | seconds |\n|---|");
        md.append("---|".repeat(keys.size() + 4)).append('\n');
        for (Row r : sorted) {
            csv.append(csvField(r.run().name()));
            keys.forEach(k -> csv.append(',').append(csvField(r.run().values().get(k))));
            csv.append(String.format(Locale.ROOT, ",%d,%s,%.4f,%.1f%n", r.run().seed(),
                    Double.isNaN(r.bestValidation()) ? "" : String.format(Locale.ROOT, "%.4f", r.bestValidation()),
                    r.finalTest(), r.seconds()));
            md.append("| ").append(r.run().name());
            keys.forEach(k -> md.append(" | `").append(r.run().values().get(k)).append('`'));
            md.append(String.format(Locale.ROOT, " | %d | %s | %.2f%% | %.1f |%n", r.run().seed(),
                    Double.isNaN(r.bestValidation()) ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * r.bestValidation()),
                    100 * r.finalTest(), r.seconds()));
        }
        AtomicFile.write(out.resolve("summary.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(out.resolve("summary.md"), md.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
