package dev.scratchnet.train;

import dev.scratchnet.data.Augmentation;
import dev.scratchnet.data.DataException;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.Splits;
import dev.scratchnet.nn.Cost;

/**
 * How to train. Start from {@link #TrainConfig(int, int, float, Cost)} (plain SGD) and change what differs
 * by name: {@code new TrainConfig(30, 10, 0.5f, Cost.CROSS_ENTROPY).withL2(5f).withDropout(0.2f)}.
 *
 * @param epochs       passes over the training data
 * @param batchSize    examples per mini-batch, m in the book
 * @param learningRate the step size η (the schedule's starting value)
 * @param cost         the cost C₀ whose gradient is followed
 * @param optimizer    the update rule
 * @param l2           λ of L2 regularization, C = C₀ + (λ/2n)Σw² (book eq. 87; n = training-set size)
 * @param l1           λ of L1 regularization, C = C₀ + (λ/n)Σ|w| (book eq. 95)
 * @param dropout      probability of dropping each hidden neuron in training (inverted dropout), in [0, 1)
 * @param clipNorm     largest L2 norm of all gradients together, or 0 for no clipping
 * @param schedule     how η changes over the epochs
 * @param earlyStop    stop after this many epochs without a better validation accuracy and restore the
 *                     best weights, or 0 for never
 * @param monitor      also measure training accuracy and validation cost each epoch (a pass over the data)
 * @param augmentation random distortions of the training images, drawn afresh each epoch
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, Cost cost, Optimizer.Config optimizer,
                          float l2, float l1, float dropout, float clipNorm, Schedule schedule, int earlyStop,
                          boolean monitor, Augmentation augmentation) implements java.io.Serializable {

    /** Plain mini-batch SGD: no regularization, constant η. */
    public TrainConfig(int epochs, int batchSize, float learningRate, Cost cost) {
        this(epochs, batchSize, learningRate, cost, Optimizer.Config.SGD, 0f, 0f, 0f, 0f, Schedule.CONSTANT, 0, false,
                Augmentation.NONE);
    }

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--eta must be a positive number, got " + learningRate);
        }
        if (!(l2 >= 0f) || !(l1 >= 0f)) {
            throw new IllegalArgumentException("--l2 and --l1 must be at least 0, got " + l2 + " and " + l1);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        }
        if (!(clipNorm >= 0f)) {
            throw new IllegalArgumentException("--clip-norm must be at least 0, got " + clipNorm);
        }
        if (earlyStop < 0) {
            throw new IllegalArgumentException("--early-stop must be at least 0, got " + earlyStop);
        }
    }

    public TrainConfig withEpochs(int epochs) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withBatchSize(int batchSize) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withLearningRate(float learningRate) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withCost(Cost cost) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withOptimizer(Optimizer.Config optimizer) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withL2(float l2) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withL1(float l1) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withDropout(float dropout) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withClipNorm(float clipNorm) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withSchedule(Schedule schedule) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withEarlyStop(int earlyStop) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withMonitor(boolean monitor) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    public TrainConfig withAugmentation(Augmentation augmentation) {
        return new TrainConfig(epochs, batchSize, learningRate, cost, optimizer, l2, l1, dropout, clipNorm, schedule,
                earlyStop, monitor, augmentation);
    }

    /** True when the step is plain SGD (L2 and dropout allowed), which the trainer fuses into backpropagation. */
    public boolean plainSgd() {
        return optimizer.kind() == Optimizer.Kind.SGD && l1 == 0f && clipNorm == 0f;
    }

    /** Whether any option needs a validation set. */
    public boolean needsValidation() {
        return earlyStop > 0 || schedule.needsValidation();
    }

    /** Refuses options that need validation data when there is none. */
    public void checkValidation(boolean hasValidation) {
        if (needsValidation() && !hasValidation) {
            throw new IllegalArgumentException("--early-stop and --schedule book need validation data; "
                    + "do not combine them with --validation 0");
        }
    }

    /** Examples per epoch at most: a checkpoint keeps the shuffle order as float32, exact below 2²⁴. */
    static final int MAX_EXAMPLES = 1 << 24;

    /** Refuses data that a network of {@code inputs} inputs cannot train on with this configuration. */
    void checkData(Splits splits, int inputs) {
        Dataset training = splits.training();
        if (training.imageSize() != inputs) {
            throw new DataException("the network takes " + inputs + " inputs but " + training.name()
                    + " images have " + training.imageSize() + " pixels; make --layers start with "
                    + training.imageSize());
        }
        if ((long) training.size() * augmentation().copies() > MAX_EXAMPLES) {
            throw new DataException(training.name() + " has " + training.size() + " training images, "
                    + augmentation().copies() + " examples each with --augment " + augmentation().id()
                    + "; at most " + MAX_EXAMPLES + " examples per epoch are supported (checkpoints keep the order as"
                    + " float32); use fewer images or another --augment");
        }
        if (augmentation() != Augmentation.NONE && training.imageRows() != training.imageCols()) {
            throw new DataException("--augment " + augmentation().id() + " takes square images; "
                    + training.name() + "'s are " + training.imageRows() + " × " + training.imageCols());
        }
        checkValidation(splits.validation().isPresent());
    }
}
