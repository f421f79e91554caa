package dev.scratchnet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file whole or not at all: to a temporary file beside it, forced to disk, then renamed into
 * place, so that a reader (or a machine that loses power) sees the previous file or the new one, never a
 * part. The temporary file, {@code .NAME.PID.RANDOM.tmp}, is created with the user's umask (unlike
 * {@code Files.createTempFile}, which makes it private), so the result has the permissions any other file
 * of theirs would have. A process killed mid-write leaves its temporary file behind; the next write of the
 * same file removes every one whose process is gone.
 *
 * <p>Failures are thrown as an {@link IOException} whose message names the file and says what went wrong.
 *
 * <p>For the crash-safety test, {@code -Dscratchnet.atomic.pause=NAME:STAGE} stops a write of the file
 * named NAME at STAGE ({@code created}, {@code chunk-K} after K chunks of {@link #CHUNK} bytes,
 * {@code written}, {@code synced} or {@code renamed}): it prints {@code paused NAME:STAGE} on stderr and
 * waits to be killed.
 */
public final class AtomicFile {

    /** Bytes per write call (and between the test's kill points inside a write). */
    static final int CHUNK = 1 << 20;
    private static final String PAUSE = System.getProperty("scratchnet.atomic.pause", "");

    private AtomicFile() {
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        sweepStale(file);
        Path tmp = createTemporary(file, bytes);
        try {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            pause(file, "renamed");
            syncFolder(file);
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

    /** Removes the temporary files of earlier writes of {@code file} whose process no longer runs (best effort). */
    static void sweepStale(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName() + ".";
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir)) {
            for (Path tmp : siblings) {
                String name = tmp.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
                    continue;
                }
                String[] parts = name.substring(prefix.length()).split("\\.");
                if (parts.length == 3 && !alive(parts[0])) {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a sweep never fails a write: what it leaves, the next one retries
        }
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not ours to judge
        }
    }

    private static Path createTemporary(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": cannot create its folder (" + FileErrors.reason(e) + ")", e);
        }
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            pause(file, "created");
            for (int at = 0, chunk = 1; at < bytes.length; at += CHUNK, chunk++) {
                ByteBuffer part = ByteBuffer.wrap(bytes, at, Math.min(CHUNK, bytes.length - at));
                while (part.hasRemaining()) {
                    out.write(part);
                }
                if (at + CHUNK < bytes.length) {
                    pause(file, "chunk-" + chunk);
                }
            }
            pause(file, "written");
            out.force(true);
            pause(file, "synced");
            return tmp;
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write " + file + ": cannot create files in " + dir + " ("
                    + FileErrors.what(e) + ")", e);
        }
    }

    /**
     * Forces the folder holding {@code file} to disk, so that a rename into it survives a crash: on Linux a
     * folder can be opened and forced; elsewhere this is skipped.
     */
    public static void syncFolder(Path file) {
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported here (Windows): the rename stands
        }
    }

    /** The crash-safety test's hook: stops here, forever, when asked to. */
    private static void pause(Path file, String stage) {
        if (!PAUSE.isEmpty() && PAUSE.equals(file.getFileName() + ":" + stage)) {
            System.err.println("paused " + PAUSE);
            System.err.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
