package dev.scratchnet.cli;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.Evaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet evaluate}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Accuracy, per-class precision and recall, and the confusion matrix of a saved model.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model saved by train.")
    Path model;

    @Mixin
    EvaluationOptions options = new EvaluationOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int threadCount = Threads.count(options.threads); // before the model and the data are read
        ModelFile.Model loaded = ModelFile.load(model);
        DatasetSpec spec = options.spec(loaded);
        Dataset chosen = options.choose(loaded, this.spec.commandLine().getErr());
        Evaluation eval;
        try (Compute compute = new Compute(threadCount)) {
            eval = Evaluation.of(loaded.network(), compute, chosen);
        }
        PrintWriter out = this.spec.commandLine().getOut();
        ModelSummary.print(out, model, loaded);
        out.printf(Locale.ROOT, "Split: %s of %s (%,d images)%n", options.split, spec.name(), chosen.size());
        out.printf(Locale.ROOT, "Accuracy: %.2f%% (%,d / %,d)%n%n", 100 * eval.accuracy(), eval.correct(), eval.total());
        printPerClass(out, eval, spec.classNames());
        printConfusion(out, eval);
        return 0;
    }

    private static void printPerClass(PrintWriter out, Evaluation eval, List<String> names) {
        out.println("class          precision  recall");
        for (int k = 0; k < names.size(); k++) {
            out.printf(Locale.ROOT, "%-2d %-12s %8.2f%% %7.2f%%%n", k, names.get(k).length() > 1 ? names.get(k) : "",
                    100 * eval.precision(k), 100 * eval.recall(k));
        }
        out.println();
    }

    private static void printConfusion(PrintWriter out, Evaluation eval) {
        int[][] c = eval.confusion();
        out.println("Confusion matrix (rows: true class, columns: predicted class)");
        StringBuilder header = new StringBuilder("      ");
        for (int p = 0; p < c.length; p++) {
            header.append(String.format(Locale.ROOT, "%6d", p));
        }
        out.println(header);
        for (int t = 0; t < c.length; t++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%6d", t));
            for (int p = 0; p < c.length; p++) {
                row.append(String.format(Locale.ROOT, "%6d", c[t][p]));
            }
            out.println(row);
        }
    }
}
