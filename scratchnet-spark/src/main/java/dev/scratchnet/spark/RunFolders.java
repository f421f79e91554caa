package dev.scratchnet.spark;

import dev.scratchnet.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A sweep's {@code DIR/runs}: one folder per finished run (metrics, model, log and {@code args.txt}, the
 * train flags it ran with), written to a hidden temporary folder and renamed, so a folder is whole or absent;
 * a failed run leaves {@code RUN.failed.log}.
 */
final class RunFolders {

    private final Path runs;

    RunFolders(Path out) {
        this.runs = out.resolve("runs");
    }

    /** Creates the folder and removes what a stopped sweep left half-saved (".RUN.123": never whole runs). */
    void prepare() throws IOException {
        Files.createDirectories(runs);
        try (Stream<Path> entries = Files.list(runs)) {
            for (Path tmp : entries.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
                delete(tmp);
            }
        }
    }

    /**
     * The run's figures when its folder is whole; a one-line error when it was trained with other flags
     * (another --preset, --epochs, ...), whose figures must not be mixed into this sweep's summary.
     */
    Optional<Summary.Row> finished(Grid.Run run, List<String> args) throws IOException {
        Path dir = runs.resolve(run.name());
        Optional<Summary.Row> row = Summary.read(dir, run);
        Path recorded = dir.resolve("args.txt");
        if (row.isPresent() && Files.isRegularFile(recorded) && !Files.readAllLines(recorded).equals(args)) {
            throw new IllegalArgumentException(dir + " was trained with other flags (" + String.join(" ",
                    Files.readAllLines(recorded)) + "); give the sweep the same flags, or another --out");
        }
        return row;
    }

    /** Saves a run that ended; a folder of the same name left by an earlier, unfinished attempt is replaced. */
    void save(SweepTask.Result r, List<String> args) throws IOException {
        if (r.exitCode() != 0) {
            AtomicFile.write(runs.resolve(r.name() + ".failed.log"), r.log().getBytes(StandardCharsets.UTF_8));
            return;
        }
        Path tmp = Files.createTempDirectory(runs, "." + r.name() + ".");
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path target = runs.resolve(r.name());
        // each file forced to disk before the rename, and the rename after: whole or absent even after a crash
        AtomicFile.write(tmp.resolve("metrics.jsonl"), r.metrics());
        AtomicFile.write(tmp.resolve("model.safetensors"), r.model());
        AtomicFile.write(tmp.resolve("train.log"), r.log().replace(r.workDir(), target.toString())
                .getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(tmp.resolve("args.txt"), (String.join("\n", args) + "\n").getBytes(StandardCharsets.UTF_8));
        if (Files.exists(target)) {
            delete(target);
        }
        Files.deleteIfExists(runs.resolve(r.name() + ".failed.log"));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFile.syncFolder(target);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
