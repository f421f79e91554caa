package dev.scratchnet.cli;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.Ensemble;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet ensemble}: several models voting, as the book's chapter 6 does with five conv nets. */
@Command(name = "ensemble", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Each model's accuracy, then the ensemble's by plurality vote (ties: the larger summed",
            "probability) or by averaged probability (--vote mean), then the digits the ensemble still gets wrong."})
final class EnsembleCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model saved by train; give it once per model.")
    List<Path> models;

    @Option(names = "--vote", paramLabel = "RULE", defaultValue = "plurality",
            description = "plurality (one vote per model, ties to the larger summed probability; the book's) or "
                    + "mean (the largest averaged probability). Default: plurality.")
    String vote;

    @Mixin
    EvaluationOptions options = new EvaluationOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Ensemble.Rule rule = Ensemble.Rule.parse(vote);
        int threadCount = Threads.count(options.threads);
        List<ModelFile.Model> loaded = Models.load(models);
        Ensemble ensemble = new Ensemble(Models.ensemble(loaded).members(), rule);
        var dataset = options.spec(loaded.get(0));
        Dataset chosen = options.choose(loaded.get(0), spec.commandLine().getErr());
        Ensemble.Result result;
        try (Compute compute = new Compute(threadCount)) {
            result = ensemble.evaluate(compute, chosen);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Split: %s of %s (%,d images)%n", options.split, dataset.name(), chosen.size());
        for (int m = 0; m < models.size(); m++) {
            out.printf(Locale.ROOT, "model %d: %s  %s  %.2f%% (%d / %d)%n", m + 1, models.get(m),
                    loaded.get(m).network().architecture().text(), 100 * result.memberAccuracy()[m],
                    Math.round(result.memberAccuracy()[m] * result.total()), result.total());
        }
        out.printf(Locale.ROOT, "Vote: %s%n", ensemble.rule() == Ensemble.Rule.MEAN ? "mean (the largest averaged probability)"
                : "plurality (ties: the larger summed probability)");
        out.printf(Locale.ROOT, "ensemble: %.2f%% (%d / %d)%n", 100 * result.accuracy(), result.correct(), result.total());
        out.printf(Locale.ROOT, "Still wrong (%d): index, true label -> vote [each model's digit]%n", result.mistakes().size());
        for (Ensemble.Mistake mistake : result.mistakes()) {
            out.printf(Locale.ROOT, "  %5d  %d -> %d  %s%n", mistake.index(), mistake.label(), mistake.digit(),
                    Arrays.toString(mistake.digits()));
        }
        return 0;
    }
}
