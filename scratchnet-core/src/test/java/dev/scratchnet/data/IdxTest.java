package dev.scratchnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    static final List<String> DIGITS = DatasetSpec.MNIST.classNames();

    @TempDir
    Path dir;

    /** IDX bytes of unsigned bytes with the given sizes; data = i mod 256. */
    static byte[] idx(int[] dims, int dataLength) {
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 * dims.length + dataLength);
        buf.putInt(0x0800 | dims.length);
        for (int d : dims) {
            buf.putInt(d);
        }
        for (int i = 0; i < dataLength; i++) {
            buf.put((byte) i);
        }
        return buf.array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void readsImagesAndScalesThemToUnitRange() {
        Idx.Tensor images = Idx.parse(idx(new int[] {2, 2, 3}, 12), 3, "images");
        byte[] labelBytes = idx(new int[] {2}, 2);
        Dataset set = Dataset.of("tiny", images, Idx.parse(labelBytes, 1, "labels"), DIGITS);
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.imageSize()).isEqualTo(6);
        assertThat(set.image(1)).containsExactly(6 / 255f, 7 / 255f, 8 / 255f, 9 / 255f, 10 / 255f, 11 / 255f);
        assertThat(set.label(0)).isZero();
        assertThat(set.label(1)).isEqualTo(1);
        assertThat(set.slice(1, 2).label(0)).isEqualTo(1);
        assertThat(set.slice(1, 2).image(0)).containsExactly(set.image(1));
    }

    @Test
    void touchReadsOneByteInEverySixtyFourOfTheImageAndItsLast() {
        byte[] pixels = new byte[2 * 150];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7 + 3);
        }
        Dataset set = Dataset.of("wide", 10, 15, pixels, new byte[] {0, 1}, DIGITS);
        assertThat(set.touch(1)).isEqualTo(pixels[150] ^ pixels[214] ^ pixels[278] ^ pixels[299]);
        assertThat(set.slice(1, 2).touch(0)).isEqualTo(set.touch(1));
        assertThatThrownBy(() -> set.touch(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void detectsGzipByMagicBytesNotByName() throws IOException {
        byte[] raw = idx(new int[] {3}, 3);
        Path disguised = dir.resolve("labels-without-suffix");
        Files.write(disguised, gzip(raw));
        assertThat(Idx.readMaybeGzipped(disguised)).containsExactly(raw);
        Path plain = dir.resolve("labels.gz");
        Files.write(plain, raw);
        assertThat(Idx.readMaybeGzipped(plain)).containsExactly(raw);
    }

    @Test
    void readsAFileOfSeveralChunksWhole() throws IOException {
        int count = 3 * (1 << 20) / 784 + 5; // a little over 3 MB: three whole 1 MB chunks and a part of one
        byte[] raw = idx(new int[] {count, 28, 28}, count * 784);
        Path images = dir.resolve("images");
        Files.write(images, raw);
        assertThat(Idx.readMaybeGzipped(images)).containsExactly(raw);
    }

    @Test
    void rejectsWrongMagicNumber() {
        byte[] bytes = idx(new int[] {3}, 3);
        bytes[2] = 0x0d; // float data type
        assertThatThrownBy(() -> Idx.parse(bytes, 1, "labels")).isInstanceOf(DataException.class)
                .hasMessageContaining("not an IDX file of unsigned bytes").hasMessageContaining("0x00000d01");
        assertThatThrownBy(() -> Idx.parse(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0}, 1, "zip"))
                .hasMessageContaining("not an IDX file");
    }

    @Test
    void rejectsImagesWhereLabelsAreExpected() {
        assertThatThrownBy(() -> Idx.parse(idx(new int[] {1, 2, 2}, 4), 1, "train-labels"))
                .isInstanceOf(DataException.class).hasMessageContaining("has 3 dimensions, expected 1");
    }

    @Test
    void rejectsTruncatedAndOverlongFiles() {
        byte[] full = idx(new int[] {2, 28, 28}, 2 * 784);
        byte[] truncated = java.util.Arrays.copyOf(full, full.length - 100);
        assertThatThrownBy(() -> Idx.parse(truncated, 3, "images")).isInstanceOf(DataException.class)
                .hasMessageContaining("truncated");
        byte[] longer = java.util.Arrays.copyOf(full, full.length + 5);
        assertThatThrownBy(() -> Idx.parse(longer, 3, "images")).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> Idx.parse(java.util.Arrays.copyOf(full, 9), 3, "images"))
                .hasMessageContaining("truncated inside its header");
        assertThatThrownBy(() -> Idx.parse(new byte[2], 3, "images")).hasMessageContaining("too short");
    }

    @Test
    void rejectsALabelAboveNine() {
        byte[] labels = idx(new int[] {2}, 2);
        labels[labels.length - 1] = 10;
        Idx.Tensor images = Idx.parse(idx(new int[] {2, 1, 1}, 2), 3, "images");
        assertThatThrownBy(() -> Dataset.of("set", images, Idx.parse(labels, 1, "labels"), DIGITS))
                .isInstanceOf(DataException.class).hasMessageContaining("label 10 of example 1 is above 9");
    }

    @Test
    void buildsASetFromRawArraysAndChecksThem() {
        Dataset set = Dataset.of("raw", 1, 2, new byte[] {0, (byte) 255, 51, 0}, new byte[] {3, 7}, DIGITS);
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.label(1)).isEqualTo(7);
        assertThat(set.image(0)).containsExactly(0f, 1f);
        assertThat(set.image(1)).containsExactly(0.2f, 0f);
        assertThatThrownBy(() -> Dataset.of("raw", 2, 2, new byte[6], new byte[2], DIGITS))
                .isInstanceOf(DataException.class).hasMessageContaining("6 pixel bytes do not make 2 images of 2×2");
        assertThatThrownBy(() -> Dataset.of("raw", 1, 1, new byte[1], new byte[] {12}, DIGITS))
                .isInstanceOf(DataException.class).hasMessageContaining("label 12 of example 0 is above 9");
    }

    @Test
    void rejectsCountsThatDiffer() {
        Idx.Tensor images = Idx.parse(idx(new int[] {3, 1, 1}, 3), 3, "images");
        Idx.Tensor labels = Idx.parse(idx(new int[] {2}, 2), 1, "labels");
        assertThatThrownBy(() -> Dataset.of("set", images, labels, DIGITS)).isInstanceOf(DataException.class)
                .hasMessageContaining("3 images but 2 labels");
    }

    @Test
    void rejectsACorruptGzipFile() throws IOException {
        byte[] gz = gzip(idx(new int[] {3}, 3));
        Path file = dir.resolve("broken");
        Files.write(file, java.util.Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> Idx.readMaybeGzipped(file)).isInstanceOf(DataException.class)
                .hasMessageContaining("not a valid gzip file");
    }

    @Test
    void aGzipBombIsRefusedBeforeItIsExpanded() throws IOException {
        // A header declaring 60000 images of 2000 × 2000 (240 GB), then 8 MB of zeros: 8 KB compressed.
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(raw)) {
            out.write(new byte[] {0, 0, 8, 3, 0, 0, (byte) 0xea, 0x60, 0, 0, 0x07, (byte) 0xd0, 0, 0, 0x07, (byte) 0xd0});
            out.write(new byte[8 << 20]);
        }
        Path file = Files.write(dir.resolve("bomb.gz"), raw.toByteArray());
        assertThat(Files.size(file)).isLessThan(64 << 10);
        assertThatThrownBy(() -> Idx.readMaybeGzipped(file)).isInstanceOf(DataException.class)
                .hasMessageContaining("declares more than 1073741824 bytes of data once decompressed");
        Path trailing = Files.write(dir.resolve("trailing.gz"), gzip(java.util.Arrays.copyOf(idx(new int[] {3}, 3), 20)));
        assertThatThrownBy(() -> Idx.readMaybeGzipped(trailing)).isInstanceOf(DataException.class)
                .hasMessageContaining("holds more data than the 3 bytes its header declares");
        Path exact = Files.write(dir.resolve("exact.gz"), gzip(idx(new int[] {3}, 3)));
        assertThat(Idx.readMaybeGzipped(exact)).containsExactly(idx(new int[] {3}, 3));
    }

    @Test
    void messagesSayWhatIsWrong() throws IOException {
        Path magicOnly = Files.write(dir.resolve("magic.gz"), new byte[] {0x1f, (byte) 0x8b});
        assertThatThrownBy(() -> Idx.readMaybeGzipped(magicOnly)).hasMessageContaining("not a valid gzip file (")
                .hasMessageNotContaining("null");
        byte[] huge = {0, 0, 8, 1, (byte) 0x80, 0, 0, 0};
        assertThatThrownBy(() -> Idx.parse(huge, 1, "labels")).hasMessageContaining("declares a size of 2147483648")
                .hasMessageNotContaining("negative");
    }

    @Test
    void namesAMissingFile() {
        assertThatThrownBy(() -> Idx.readMaybeGzipped(dir.resolve("nope"))).isInstanceOf(DataException.class)
                .hasMessageContaining("missing data file");
    }

    @Test
    void splitsAsInTheBook() {
        Idx.Tensor images = Idx.parse(idx(new int[] {10, 1, 1}, 10), 3, "images");
        Idx.Tensor labels = Idx.parse(new byte[] {0, 0, 8, 1, 0, 0, 0, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, "l");
        Dataset all = Dataset.of("all", images, labels, DIGITS);
        Splits splits = Splits.of(all, all, 3);
        assertThat(splits.training().size()).isEqualTo(7);
        assertThat(splits.validation()).hasValueSatisfying(v -> assertThat(v.label(0)).isEqualTo(7));
        assertThat(Splits.of(all, all, 0).validation()).isEmpty();
        assertThat(Splits.of(all, all, 0).training().size()).isEqualTo(10);
        assertThatThrownBy(() -> Splits.of(all, all, 10)).hasMessageContaining("--validation must be between 0 and 9");
    }
}
