package dev.scratchnet.cli;

import dev.scratchnet.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Path;

/** Files a command will write are checked before any work is done, so a mistyped path never costs a run. */
final class OutputFiles {

    private OutputFiles() {
    }

    /** Throws a one-line message naming {@code flag} when {@code file} (if given) cannot be written. */
    static void check(String flag, Path file) {
        if (file == null) {
            return;
        }
        try {
            AtomicFile.checkWritable(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
