package dev.scratchnet.cli;

import dev.scratchnet.data.DataException;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.Splits;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code evaluate} and {@code ensemble} measure a model on: the split, the data, the threads. */
final class EvaluationOptions {

    enum Split { test, validation, train }

    @Option(names = "--split", paramLabel = "NAME", defaultValue = "test",
            description = "test, validation (the training images the model held out, the last 10,000 unless it "
                    + "was trained with another --validation) or train (the rest); default: ${DEFAULT-VALUE}.")
    Split split;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: the number of cores).")
    Integer threads;

    /** The data set the model was trained on, unless --dataset names another. */
    DatasetSpec spec(ModelFile.Model model) {
        return data.spec(model.info().dataset().isEmpty() ? "mnist" : model.info().dataset());
    }

    /** The split asked for of that data set, checked against the model's input. */
    Dataset choose(ModelFile.Model model, PrintWriter err) {
        DatasetSpec spec = spec(model);
        DatasetStore.Loaded sets = data.load(spec, err);
        int heldOut = heldOut(model.info());
        if (split == Split.validation && heldOut == 0) {
            throw new DataException("--split validation: this model held out no validation images (it was trained on"
                    + " all " + sets.training().size() + " training images); use --split test");
        }
        // the test split needs no validation images (so a data set smaller than the book's 10,000 evaluates too)
        Splits splits = Splits.of(sets.training(), sets.test(), split == Split.test ? 0 : heldOut);
        Dataset chosen = switch (split) {
            case test -> splits.test();
            case validation -> splits.validation().orElseThrow();
            case train -> splits.training();
        };
        if (!model.network().architecture().takesImages(chosen.imageRows(), chosen.imageCols())) {
            throw new DataException("the model takes " + model.network().architecture().input() + " inputs but "
                    + spec.name() + " images are " + chosen.imageShape());
        }
        return chosen;
    }

    /** The training images a model held out for validation, as its file records (older files: the book's). */
    static int heldOut(ModelInfo info) {
        return info.training().get("validation") instanceof Number n ? n.intValue() : Splits.BOOK_VALIDATION_SIZE;
    }
}
