package dev.scratchnet.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of the MNIST files: a magic number {@code 0x0000TTDD} (TT = 0x08 for unsigned bytes,
 * DD = the number of dimensions), DD big-endian 32-bit sizes, then the data. Raw or gzipped input, told
 * apart by the gzip magic bytes, not the file name.
 */
public final class Idx {

    private static final int UNSIGNED_BYTE = 0x08;

    /** An IDX tensor of unsigned bytes. */
    public record Tensor(int[] dims, byte[] data, int dataOffset) {
        public int count() {
            return dims[0];
        }
    }

    private Idx() {
    }

    /** Reads a file, decompressing it when it starts with the gzip magic bytes. */
    public static byte[] readMaybeGzipped(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return isGzip(bytes) ? gunzip(bytes, file) : bytes;
        } catch (NoSuchFileException e) {
            throw new DataException("missing data file " + file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    static byte[] gunzip(byte[] bytes, Object source) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataException(source + " is not a valid gzip file (" + e.getMessage() + "); fetch it again");
        }
    }

    /** Parses IDX bytes with the expected number of dimensions; {@code source} names the file in messages. */
    public static Tensor parse(byte[] bytes, int expectedDims, Object source) {
        if (bytes.length < 4) {
            throw new DataException(source + " is too short to be an IDX file (" + bytes.length + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes); // big-endian
        int magic = buf.getInt();
        int type = (magic >>> 8) & 0xff;
        int dims = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE) {
            throw new DataException(String.format("%s is not an IDX file of unsigned bytes (magic number 0x%08x, "
                    + "expected 0x%08x)", source, magic, (UNSIGNED_BYTE << 8) | expectedDims));
        }
        if (dims != expectedDims) {
            throw new DataException(source + " has " + dims + " dimensions, expected " + expectedDims
                    + (expectedDims == 1 ? " (a label file)" : " (an image file)"));
        }
        int header = 4 + 4 * dims;
        if (bytes.length < header) {
            throw new DataException(source + " is truncated inside its header");
        }
        int[] sizes = new int[dims];
        long expected = 1;
        for (int d = 0; d < dims; d++) {
            sizes[d] = buf.getInt();
            if (sizes[d] < 0) {
                throw new DataException(source + " declares a negative size " + sizes[d]);
            }
            expected *= sizes[d];
        }
        long actual = bytes.length - (long) header;
        if (actual != expected) {
            throw new DataException(source + " declares " + java.util.Arrays.toString(sizes) + " = " + expected
                    + " bytes of data but holds " + actual + (actual < expected ? " (truncated)" : " (trailing bytes)"));
        }
        return new Tensor(sizes, bytes, header);
    }
}
