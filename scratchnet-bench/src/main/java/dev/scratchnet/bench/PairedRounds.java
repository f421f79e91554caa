package dev.scratchnet.bench;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Two builds of ScratchNet timed in one JVM, round after round in alternation, so that both see the same
 * machine at the same moments: on a 2-core VM whose speed drifts by a third within minutes, separate runs
 * cannot tell a 5% change from the drift. Each build's jar gets a class loader of its own, with the JDK's
 * platform loader as parent, and its own {@code Round}; a round trains one epoch of 20,000 MNIST images. A JVM
 * tends to favour one of its two builds by a few percent however alike they are, so run it twice with the
 * jars swapped ({@code bench/paired.sh} does both).
 *
 * <p>Usage: {@code java -cp scratchnet-bench/target/classes dev.scratchnet.bench.PairedRounds A.jar B.jar
 * [rounds] [plain|PRESET] [mini-batch: 10 for plain, else the preset's] [threads]}, the jars being
 * {@code scratchnet.jar} builds (the command line's, which holds the core library), MNIST already fetched.
 */
public final class PairedRounds {

    /** By name: this class's own loader must not load it, with no core library beside it. */
    private static final String ROUND = "dev.scratchnet.bench.Round";

    private PairedRounds() {
    }

    public static void main(String[] args) throws Exception {
        int rounds, batch, threads;
        String what = args.length > 3 ? args[3] : "plain";
        try {
            rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
            batch = args.length > 4 ? Integer.parseInt(args[4]) : what.equals("plain") ? 10 : 0;
            threads = args.length > 5 ? Integer.parseInt(args[5]) : Runtime.getRuntime().availableProcessors();
        } catch (NumberFormatException e) {
            rounds = batch = threads = -1;
        }
        if (args.length < 2 || !Files.isRegularFile(Path.of(args[0])) || !Files.isRegularFile(Path.of(args[1]))
                || rounds < 1 || batch < 0 || threads < 1) {
            System.err.println("usage: PairedRounds A.jar B.jar [rounds >= 1] [plain|PRESET] [mini-batch, 0 for the"
                    + " preset's] [threads >= 1]");
            System.exit(2);
        }
        LongSupplier a, b;
        try {
            a = round(Path.of(args[0]), what, batch, threads);
            b = round(Path.of(args[1]), what, batch, threads);
        } catch (InvocationTargetException e) { // no MNIST in the cache, no such preset: the build's own message
            Throwable cause = e.getCause();
            System.err.println("PairedRounds: " + (cause.getMessage() != null ? cause.getMessage() : cause));
            System.exit(1);
            return;
        }
        for (int warm = 0; warm < 3; warm++) {
            a.getAsLong();
            b.getAsLong();
        }
        long[] timesA = new long[rounds], timesB = new long[rounds];
        int bFaster = 0;
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                timesA[r] = a.getAsLong();
                timesB[r] = b.getAsLong();
            } else {
                timesB[r] = b.getAsLong();
                timesA[r] = a.getAsLong();
            }
            bFaster += timesB[r] < timesA[r] ? 1 : 0;
        }
        double medianA = median(timesA) / 1000.0, medianB = median(timesB) / 1000.0;
        System.out.printf(Locale.ROOT, "%s, mini-batch %s, %d thread(s), %d rounds: A %.1f ms, B %.1f ms a round"
                        + " (medians), B/A %.3f, B faster in %d of %d%n", what, batch == 0 ? "of the preset" : batch,
                threads, rounds, medianA, medianB, medianB / medianA, bFaster, rounds);
    }

    /** A {@link Round} of the build in {@code jar}, loaded beside it in a class loader of its own. */
    private static LongSupplier round(Path jar, String what, int batch, int threads) throws Exception {
        URL ours = PairedRounds.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL(), ours},
                ClassLoader.getPlatformClassLoader()); // the jar first: its own core classes, then Round
        return (LongSupplier) loader.loadClass(ROUND)
                .getConstructor(String.class, int.class, int.class).newInstance(what, batch, threads);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
