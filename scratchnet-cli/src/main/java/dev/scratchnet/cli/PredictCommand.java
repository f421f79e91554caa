package dev.scratchnet.cli;

import dev.scratchnet.data.DataException;
import dev.scratchnet.data.DigitImage;
import dev.scratchnet.io.Json;
import dev.scratchnet.nn.Network;
import dev.scratchnet.train.Ensemble;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/** {@code scratchnet predict}. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify PNG or JPEG images of digits, of any size, either polarity.",
            "Prints PATH<TAB>DIGIT<TAB>PROBABILITY per file, in the order given."})
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", defaultValue = "models/mnist-default.safetensors",
            description = "A model saved by train (default: ${DEFAULT-VALUE}); more than once for an ensemble's vote.")
    List<Path> models;

    @Option(names = "--json", description = "One JSON object per line instead: file, digit, probability, probabilities "
            + "(and each model's digits for an ensemble), and input, the 784 values the network saw.")
    boolean json;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "PNG or JPEG files.")
    List<Path> images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Ensemble ensemble = Models.ensemble(Models.load(models));
        Network network = ensemble.members().get(0);
        if (!network.architecture().takesImages(DigitImage.SIDE, DigitImage.SIDE)) {
            throw new IllegalArgumentException("the model takes " + network.architecture().input()
                    + " inputs, not a 28×28 image (784 or 1x28x28)");
        }
        int failures = 0;
        for (Path image : images) {
            try {
                float[] input = DigitImage.fromFile(image);
                Ensemble.Vote vote = ensemble.vote(input);
                float[] p = vote.probabilities();
                int digit = vote.digit();
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("file", image.toString());
                    line.put("digit", digit);
                    line.put("probability", p[digit]);
                    line.put("probabilities", p);
                    if (models.size() > 1) {
                        line.put("digits", vote.digits());
                    }
                    line.put("input", input); // the 28×28 pixels the network saw, after preprocessing
                    out.println(Json.write(line));
                } else {
                    out.printf(Locale.ROOT, "%s\t%d\t%.4f%n", image, digit, p[digit]);
                }
            } catch (DataException e) {
                failures++;
                if (json) {
                    out.println(Json.write(Map.of("file", image.toString(), "error", e.getMessage())));
                } else {
                    err.println("scratchnet: error: " + image + ": " + e.getMessage());
                }
            }
        }
        out.flush();
        err.flush();
        return failures == 0 ? 0 : 1;
    }
}
