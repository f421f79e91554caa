package dev.scratchnet.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
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

    /** IDX files larger than this, raw or once decompressed, are refused (MNIST's largest is 47 MB). */
    public static final long MAX_BYTES = 1L << 30;

    /** Reads a file, decompressing it when it starts with the gzip magic bytes. */
    public static byte[] readMaybeGzipped(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new DataException(file + " is " + size + " bytes long; IDX files of at most " + MAX_BYTES
                        + " bytes (1 GiB) are read");
            }
            byte[] bytes = read(file);
            return isGzip(bytes) ? gunzip(bytes, file) : bytes;
        } catch (NoSuchFileException e) {
            throw new DataException("missing data file " + file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Bytes read from a file per call (the JDK reads into a heap array through a native buffer of that size). */
    private static final int READ_CHUNK = 1 << 20;

    /**
     * The whole file, read into one array a chunk at a time: for MNIST's 47 MB training images, 125-180 ms
     * against 300-430 ms for {@link Files#readAllBytes} (three fresh JVMs each, Temurin 25, file cached).
     */
    private static byte[] read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size == 0 || size > MAX_BYTES) { // not a regular file, or grown since it was measured
                return Files.readAllBytes(file);
            }
            byte[] bytes = new byte[(int) size];
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.position() < bytes.length) {
                buffer.limit(Math.min(bytes.length, buffer.position() + READ_CHUNK));
                if (channel.read(buffer) < 0) {
                    return Arrays.copyOf(bytes, buffer.position()); // cut short while read: parse names it
                }
            }
            return channel.read(ByteBuffer.allocate(1)) < 0 ? bytes : Files.readAllBytes(file); // grown meanwhile
        }
    }

    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    /**
     * Decompresses no more than the IDX header inside says the file holds: the header first, then exactly
     * the data it declares, so a small file that expands to gigabytes is refused before it is expanded.
     * Memory grows with the data actually there; a file cut short is left for {@link #parse} to name.
     */
    static byte[] gunzip(byte[] bytes, Object source) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4) {
                return magic;
            }
            byte[] sizes = in.readNBytes(4 * (magic[3] & 0xff));
            long expected = 4L + sizes.length;
            long data = 1;
            ByteBuffer dims = ByteBuffer.wrap(sizes);
            while (dims.remaining() >= 4) {
                data = Math.min(MAX_BYTES + 1, data * Integer.toUnsignedLong(dims.getInt()));
            }
            expected += data;
            if (expected > MAX_BYTES) {
                throw new DataException(source + " declares more than " + MAX_BYTES + " bytes of data once"
                        + " decompressed; IDX files of at most 1 GiB are read");
            }
            int header = 4 + sizes.length;
            byte[] body = in.readNBytes((int) (expected - header)); // grows with what is there, not what is declared
            if (body.length == expected - header && in.read() != -1) {
                throw new DataException(source + " holds more data than the " + (expected - header) + " bytes its "
                        + "header declares (trailing bytes); fetch it again");
            }
            byte[] out = new byte[header + body.length];
            System.arraycopy(magic, 0, out, 0, 4);
            System.arraycopy(sizes, 0, out, 4, sizes.length);
            System.arraycopy(body, 0, out, header, body.length);
            return out;
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e instanceof java.io.EOFException
                    ? "it ends before its data does" : e.getClass().getSimpleName();
            throw new DataException(source + " is not a valid gzip file (" + why + "); fetch it again");
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
                throw new DataException(source + " declares a size of " + Integer.toUnsignedString(sizes[d])
                        + " in its header, more than any IDX file can hold (corrupt?); fetch it again");
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
