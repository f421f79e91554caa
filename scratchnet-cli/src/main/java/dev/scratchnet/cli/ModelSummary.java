package dev.scratchnet.cli;

import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** The essentials of a model file, in one line. */
final class ModelSummary {

    private ModelSummary() {
    }

    static void print(PrintWriter out, Path file, ModelFile.Model model) {
        Architecture arch = model.network().architecture();
        double acc = model.info().testAccuracy();
        out.printf(Locale.ROOT, "Model: %s  layers %s (%s), trained on %s with preset %s%s%n", file, arch.text(),
                String.join("/", arch.activations().stream().filter(a -> a != Activation.IDENTITY).map(a -> a.id()).toList()),
                model.info().dataset().isEmpty() ? "?" : model.info().dataset(),
                model.info().training().getOrDefault("preset", "?"),
                Double.isNaN(acc) ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * acc));
    }
}
