package dev.scratchnet.data;

import java.util.Optional;

/**
 * The book's split of MNIST: training = the first 50,000 training images, validation = the last 10,000,
 * test = the 10,000 test images. With a validation size of 0, training uses all training images.
 */
public record Splits(Dataset training, Optional<Dataset> validation, Dataset test) {

    public static final int BOOK_VALIDATION_SIZE = 10_000;

    public static Splits of(Dataset allTraining, Dataset test, int validationSize) {
        if (allTraining.size() == 0 || test.size() == 0) {
            throw new DataException("the " + (allTraining.size() == 0 ? allTraining.name() : test.name())
                    + " set is empty (its IDX files count 0 images); check the data files (or --data DIR)");
        }
        if (validationSize < 0 || validationSize >= allTraining.size()) {
            throw new DataException("--validation must be between 0 and " + (allTraining.size() - 1)
                    + ", got " + validationSize);
        }
        int cut = allTraining.size() - validationSize;
        Dataset training = allTraining.slice(0, cut);
        Optional<Dataset> validation = validationSize == 0 ? Optional.empty()
                : Optional.of(allTraining.slice(cut, allTraining.size()));
        return new Splits(training, validation, test);
    }
}
