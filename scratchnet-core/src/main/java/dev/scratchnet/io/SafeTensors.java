package dev.scratchnet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors file layout for float32 tensors: an unsigned 64-bit little-endian header length N, N bytes
 * of JSON ({@code "__metadata__"}: string → string, and for each tensor {@code dtype}, {@code shape} and
 * {@code data_offsets} [begin, end) into the data that follows), then the raw little-endian data.
 */
public final class SafeTensors {

    /** Headers larger than this are refused as corrupt (ours are a few KiB). */
    static final long MAX_HEADER = 16L << 20;
    /**
     * Model files and checkpoints larger than this, just under 2 GiB, are neither written nor read (the
     * largest preset's model is 7 MB): a file is read as one byte array, which holds at most 2³¹ − 1 bytes.
     */
    public static final long MAX_FILE = Integer.MAX_VALUE - 8;

    /** A named float tensor. */
    public record Tensor(String name, int[] shape, float[] data) {
        public Tensor {
            long count = 1;
            for (int d : shape) {
                count = d < 0 ? -1 : Math.multiplyExact(count, d);
            }
            if (count != data.length) {
                throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(shape)
                        + " needs " + count + " values, got " + data.length);
            }
        }
    }

    /** A file's tensors (in file order) and metadata. */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
    }

    private SafeTensors() {
    }

    /** Writes the tensors and metadata to a temporary file beside {@code file}, then renames it into place. */
    public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long end = offset + 4L * t.data().length;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", java.util.Arrays.stream(t.shape()).boxed().toList());
            entry.put("data_offsets", List.of(offset, end));
            header.put(t.name(), entry);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7; // the data starts 8-byte aligned; the header is padded with spaces
        if (8L + padded + offset > MAX_FILE) {
            throw new IOException("cannot write " + file + ": it would be " + (8L + padded + offset) + " bytes, and model"
                    + " files and checkpoints are at most " + MAX_FILE + " bytes (2 GiB); train a smaller network");
        }
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors) {
            buf.asFloatBuffer().put(t.data());
            buf.position(buf.position() + 4 * t.data().length);
        }
        AtomicFile.write(file, buf.array());
    }

    /** Reads and checks a whole file: header bounds, dtypes, shapes against offsets, and the file's length. */
    public static Contents read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE) {
                throw corrupt(file.toString(), "it is " + size + " bytes long; model files are at most " + MAX_FILE
                        + " bytes (2 GiB)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("no model file " + file + "; train one with 'scratchnet train --save "
                    + file + "'");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    static Contents parse(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw corrupt(source, "it is " + bytes.length + " bytes long, shorter than the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (n < 2 || n > MAX_HEADER || n > bytes.length - 8L) {
            throw corrupt(source, "its header length " + Long.toUnsignedString(n) + " does not fit a file of "
                    + bytes.length + " bytes (truncated, or not a safetensors file)");
        }
        Object header;
        try {
            header = Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw corrupt(source, "its header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(header instanceof Map<?, ?> map)) {
            throw corrupt(source, "its header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                readMetadata(e.getValue(), metadata, source);
            } else {
                entries.add(Entry.of(name, e.getValue(), dataLength, source));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry entry : entries) {
            if (entry.begin != expected) {
                throw corrupt(source, "tensor " + entry.name + " starts at byte " + entry.begin + ", expected "
                        + expected + " (overlapping or gapped data)");
            }
            expected = entry.end;
        }
        if (expected != dataLength) {
            throw corrupt(source, "its tensors cover " + expected + " bytes of data but the file holds " + dataLength
                    + (dataLength < expected ? " (truncated)" : " (trailing bytes)"));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry entry : entries) {
            float[] data = new float[(int) ((entry.end - entry.begin) / 4)];
            buf.position((int) (dataStart + entry.begin));
            buf.asFloatBuffer().get(data);
            tensors.put(entry.name, new Tensor(entry.name, entry.shape, data));
        }
        return new Contents(metadata, tensors);
    }

    private static void readMetadata(Object value, Map<String, String> metadata, String source) {
        if (!(value instanceof Map<?, ?> m)) {
            throw corrupt(source, "__metadata__ is not an object of strings");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw corrupt(source, "__metadata__ value of " + e.getKey() + " is not a string");
            }
            metadata.put((String) e.getKey(), s);
        }
    }

    private record Entry(String name, int[] shape, long begin, long end) {
        static Entry of(String name, Object value, long dataLength, String source) {
            if (!(value instanceof Map<?, ?> m) || !(m.get("shape") instanceof List<?> shapeList)
                    || !(m.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2) {
                throw corrupt(source, "tensor " + name + " lacks a shape or data_offsets");
            }
            if (!"F32".equals(m.get("dtype"))) {
                throw corrupt(source, "tensor " + name + " has dtype " + m.get("dtype") + "; only F32 is supported");
            }
            int[] shape = new int[shapeList.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                    throw corrupt(source, "tensor " + name + " has a bad shape " + shapeList);
                }
                shape[i] = (int) (long) d;
                count *= d;
                if (count > dataLength / 4) { // checked at each factor, so the product cannot overflow
                    throw corrupt(source, "tensor " + name + " of shape " + shapeList + " needs more values than the "
                            + dataLength + " bytes of data hold");
                }
            }
            if (!(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                    || begin < 0 || end < begin || end > dataLength) {
                throw corrupt(source, "tensor " + name + " has offsets " + offsets + " outside the " + dataLength
                        + " bytes of data (truncated file?)");
            }
            if (end - begin != 4 * count) {
                throw corrupt(source, "tensor " + name + " of shape " + shapeList + " needs " + 4 * count
                        + " bytes but its offsets span " + (end - begin));
            }
            return new Entry(name, shape, begin, end);
        }
    }

    static ModelFormatException corrupt(String source, String why) {
        return new ModelFormatException("corrupt model file " + source + ": " + why);
    }
}
