package dev.scratchnet.train;

import dev.scratchnet.tensor.Names;

/**
 * How the learning rate η changes over the epochs.
 * <ul>
 *   <li>{@code constant}: η.</li>
 *   <li>{@code step}: η·factor^⌊(epoch − 1)/every⌋.</li>
 *   <li>{@code cosine} (Loshchilov and Hutter 2017, without restarts): ½η(1 + cos(π(epoch − 1)/epochs)),
 *       which stays above 0 through the last epoch.</li>
 *   <li>{@code book} (chapter 3's suggestion): halve η whenever validation accuracy has not improved for
 *       {@code patience} epochs; stop after {@code halvings} halvings.</li>
 * </ul>
 *
 * @param kind     the rule
 * @param every    epochs between steps ({@code step})
 * @param factor   multiplier per step ({@code step}), in (0, 1]
 * @param patience epochs without a better validation accuracy before halving ({@code book})
 * @param halvings halvings after which training stops ({@code book})
 */
public record Schedule(Kind kind, int every, float factor, int patience, int halvings) implements java.io.Serializable {

    public enum Kind {
        CONSTANT, STEP, COSINE, BOOK;

        public String id() {
            return Names.id(this);
        }

        public static Kind parse(String id) {
            return Names.parse(Kind.class, "schedule", id);
        }
    }

    public static final Schedule CONSTANT = new Schedule(Kind.CONSTANT, 10, 0.5f, 10, 7);

    public Schedule {
        if (every < 1 || patience < 1 || halvings < 1) {
            throw new IllegalArgumentException("--step-every, --patience and --halvings must be at least 1");
        }
        if (!(factor > 0f && factor <= 1f)) {
            throw new IllegalArgumentException("--step-factor must be in (0, 1] so that eta stays above 0, got " + factor);
        }
    }

    public boolean needsValidation() {
        return kind == Kind.BOOK;
    }

    /** The run-time state of a schedule: η for each epoch, and the book rule's bookkeeping. */
    public static final class Rate {
        private final Schedule schedule;
        private final float eta0;
        private final int epochs;
        private float bookEta;
        private double best = Double.NEGATIVE_INFINITY;
        private int sinceBest;
        private int halved;

        public Rate(Schedule schedule, float eta0, int epochs) {
            this.schedule = schedule;
            this.eta0 = eta0;
            this.epochs = epochs;
            this.bookEta = eta0;
        }

        /** The book rule's bookkeeping: η, best validation accuracy, epochs since it, halvings so far. */
        public double[] state() {
            return new double[] {bookEta, best, sinceBest, halved};
        }

        public void restore(double[] state) {
            bookEta = (float) state[0];
            best = state[1];
            sinceBest = (int) state[2];
            halved = (int) state[3];
        }

        /** η for the given 1-based epoch. */
        public float eta(int epoch) {
            return switch (schedule.kind()) {
                case CONSTANT -> eta0;
                case STEP -> (float) (eta0 * Math.pow(schedule.factor(), (epoch - 1) / schedule.every()));
                case COSINE -> (float) (0.5 * eta0 * (1 + Math.cos(Math.PI * (epoch - 1) / epochs)));
                case BOOK -> bookEta;
            };
        }

        /** After an epoch: for {@code book}, halves η or asks to stop; returns true to stop training. */
        public boolean afterEpoch(double validationAccuracy) {
            if (schedule.kind() != Kind.BOOK) {
                return false;
            }
            if (validationAccuracy > best) {
                best = validationAccuracy;
                sinceBest = 0;
                return false;
            }
            if (++sinceBest < schedule.patience()) {
                return false;
            }
            sinceBest = 0;
            halved++;
            bookEta /= 2;
            return halved >= schedule.halvings();
        }
    }
}
