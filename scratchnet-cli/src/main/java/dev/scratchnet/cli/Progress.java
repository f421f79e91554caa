package dev.scratchnet.cli;

import dev.scratchnet.train.EpochMetrics;
import dev.scratchnet.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training as it goes: on a terminal a live bar per epoch (examples per second, time left), elsewhere
 * nothing between epochs; in both, one summary line per epoch.
 */
final class Progress implements TrainingListener {

    private static final long REDRAW_NANOS = 100_000_000;
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final int epochs;
    private int barEpoch;
    private long epochStart;
    private long lastDraw;

    Progress(PrintWriter out, boolean terminal, int epochs) {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
    }

    /** Whether standard output is an interactive terminal (Console.isTerminal() from Java 22 on). */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before Java 22, System.console() is null unless attached to a terminal
        }
    }

    @Override
    public void onBatch(int epoch, int done, int total) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (epoch != barEpoch) { // an epoch's line may come while the next one trains: the bar keeps its start
            barEpoch = epoch;
            epochStart = now;
        }
        if (now - lastDraw < REDRAW_NANOS && done < total) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-9, (now - epochStart) / 1e9);
        double rate = done / seconds;
        int filled = (int) ((long) WIDTH * done / total);
        String left = formatDuration((total - done) / Math.max(rate, 1e-9));
        out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %3d%%  %,.0f ex/s  %s left \033[K", epoch, epochs,
                "#".repeat(filled), ".".repeat(WIDTH - filled), 100L * done / total, rate, left);
        out.flush();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        if (terminal) {
            out.print("\r\033[K");
            out.flush();
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %2d/%d  cost %.4f", m.epoch(), epochs,
                m.trainCost()));
        m.trainAccuracy().ifPresent(v -> line.append(String.format(Locale.ROOT, "  train %.2f%%", 100 * v)));
        m.validationAccuracy().ifPresent(v -> line.append(String.format(Locale.ROOT, "  validation %.2f%%", 100 * v)));
        m.validationCost().ifPresent(v -> line.append(String.format(Locale.ROOT, " (cost %.4f)", v)));
        line.append(String.format(Locale.ROOT, "  test %.2f%%  %.2f s (%,.0f ex/s)", 100 * m.testAccuracy(),
                m.seconds(), m.examples() / Math.max(m.seconds(), 1e-9)));
        out.println(line);
        out.flush();
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
