package dev.scratchnet.cli;

import dev.scratchnet.io.AtomicFile;
import dev.scratchnet.io.Json;
import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --metrics} file: one JSON object per line, one line per epoch, then a {@code "final": true}
 * line. Rewritten whole after every epoch through a temporary file and a rename, so a reader always sees
 * complete lines. Only {@code seconds}, {@code examples_per_second} and {@code total_seconds} vary between
 * two runs with the same seed and thread count.
 */
final class MetricsFile implements TrainingListener {

    private final Path file;
    private final List<String> lines = new ArrayList<>();
    private double totalSeconds;

    MetricsFile(Path file) {
        this.file = file;
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        totalSeconds += m.seconds();
        lines.add(Json.write(m.toMap()));
        flush();
    }

    /** Adds the final line: the test accuracy of the saved model. */
    void finish(int epochs, double testAccuracy, double bestTestAccuracy, boolean stopped) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("final", true);
        line.put("epochs", epochs);
        line.put("test_accuracy", testAccuracy);
        line.put("best_test_accuracy", bestTestAccuracy);
        line.put("stopped_early", stopped);
        line.put("total_seconds", totalSeconds);
        lines.add(Json.write(line));
        flush();
    }

    private void flush() {
        try {
            AtomicFile.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("--metrics: " + e.getMessage(), e);
        }
    }
}
