package dev.scratchnet.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file whole or not at all: to a temporary file beside it, then renamed into place. The temporary
 * file is created with the user's umask (unlike {@code Files.createTempFile}, which makes it private), so
 * the result has the permissions any other file of theirs would have.
 * <p>Failures are thrown as an {@link IOException} whose message names the file and says what went wrong.
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = createTemporary(file, bytes);
        try {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + file + " (" + FileErrors.reason(e) + ")", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Checks, before any work is done, that {@link #write} will be able to write {@code file}: its folder is
     * created if missing, and a temporary file is created there and deleted again.
     */
    public static void checkWritable(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("cannot write " + file + ": it is a folder; give a file name");
        }
        Files.delete(createTemporary(file, new byte[0]));
    }

    private static Path createTemporary(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": cannot create its folder (" + FileErrors.reason(e) + ")", e);
        }
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            return Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write " + file + ": cannot create files in " + dir + " ("
                    + FileErrors.what(e) + ")", e);
        }
    }
}
