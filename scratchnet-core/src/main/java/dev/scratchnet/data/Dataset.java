package dev.scratchnet.data;

import dev.scratchnet.tensor.Elementwise;
import dev.scratchnet.tensor.Kernels;
import dev.scratchnet.tensor.Shape;
import java.util.List;

/**
 * Labelled images kept compactly as bytes, scaled to [0, 1] floats as they are read.
 * A slice shares the bytes of the set it was cut from (and serializes all of them); {@link #select} copies.
 */
public final class Dataset implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private static final Elementwise ELEMENTWISE = Kernels.elementwise();

    private final String name;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final int pixelOffset;
    private final byte[] labels;
    private final int labelOffset;
    private final int size;
    private final List<String> classNames;

    private Dataset(String name, int rows, int cols, byte[] pixels, int pixelOffset, byte[] labels,
                    int labelOffset, int size, List<String> classNames) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.pixelOffset = pixelOffset;
        this.labels = labels;
        this.labelOffset = labelOffset;
        this.size = size;
        this.classNames = classNames;
    }

    /**
     * Builds a data set from parsed IDX image [n × rows × cols] and label [n] tensors, checking that the
     * counts agree and every label names a class.
     */
    public static Dataset of(String name, Idx.Tensor images, Idx.Tensor labels, List<String> classNames) {
        if (images.dims().length != 3) {
            throw new DataException(name + ": images must have 3 dimensions");
        }
        if (images.count() != labels.count()) {
            throw new DataException(name + ": " + images.count() + " images but " + labels.count()
                    + " labels; the image and label files must come from the same set");
        }
        byte[] l = labels.data();
        for (int i = 0; i < labels.count(); i++) {
            int label = l[labels.dataOffset() + i] & 0xff;
            if (label >= classNames.size()) {
                throw new DataException(name + ": label " + label + " of example " + i + " is above "
                        + (classNames.size() - 1) + "; is this a label file of " + classNames.size() + " classes?");
            }
        }
        return new Dataset(name, images.dims()[1], images.dims()[2], images.data(), images.dataOffset(),
                l, labels.dataOffset(), images.count(), List.copyOf(classNames));
    }

    /**
     * Builds a data set from raw arrays: {@code pixels} holds the images one after another, each
     * {@code rows × cols} bytes (0 = background, 255 = ink), and {@code labels} one class index per image.
     * The arrays are kept, not copied.
     */
    public static Dataset of(String name, int rows, int cols, byte[] pixels, byte[] labels, List<String> classNames) {
        if (rows < 1 || cols < 1 || pixels.length != labels.length * rows * cols) {
            throw new DataException(name + ": " + pixels.length + " pixel bytes do not make " + labels.length
                    + " images of " + rows + "×" + cols);
        }
        return of(name, new Idx.Tensor(new int[] {labels.length, rows, cols}, pixels, 0),
                new Idx.Tensor(new int[] {labels.length}, labels, 0), classNames);
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public int imageRows() {
        return rows;
    }

    public int imageCols() {
        return cols;
    }

    /** An image's shape: one channel of rows × cols (MNIST's is 1 × 28 × 28). */
    public Shape imageShape() {
        return Shape.image(rows, cols);
    }

    /** Pixels per image: the network's input size. */
    public int imageSize() {
        return rows * cols;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int label(int i) {
        return labels[labelOffset + check(i)] & 0xff;
    }

    /** Writes image i, scaled to [0, 1], into {@code dst} at {@code offset}. */
    public void image(int i, float[] dst, int offset) {
        int n = imageSize();
        ELEMENTWISE.unitBytes(pixels, pixelOffset + check(i) * n, dst, offset, n); // v / 255
    }

    /**
     * Reads one byte in every 64 of image i, and its last, and returns their XOR: a prefetch, since Java has
     * none. Called for the next mini-batch's images before this one trains, it issues their loads from memory
     * together, where copying them issues each image's loads only when its turn comes.
     */
    public int touch(int i) {
        int n = imageSize();
        int at = pixelOffset + check(i) * n;
        int bits = 0;
        for (int b = 0; b < n; b += 64) {
            bits ^= pixels[at + b];
        }
        return bits ^ pixels[at + n - 1];
    }

    public float[] image(int i) {
        float[] x = new float[imageSize()];
        image(i, x, 0);
        return x;
    }

    /** Examples {@code [from, to)} of this set, sharing its bytes. */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of a set of " + size);
        }
        return new Dataset(name, rows, cols, pixels, pixelOffset + from * imageSize(), labels, labelOffset + from,
                to - from, classNames);
    }

    /** The examples at {@code indices}, in that order, copied into a set of their own (a worker's shard). */
    public Dataset select(int[] indices, String name) {
        int n = imageSize();
        byte[] p = new byte[indices.length * n];
        byte[] l = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = check(indices[k]);
            System.arraycopy(pixels, pixelOffset + i * n, p, k * n, n);
            l[k] = labels[labelOffset + i];
        }
        return new Dataset(name, rows, cols, p, 0, l, 0, indices.length, classNames);
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("example " + i + " of " + size);
        }
        return i;
    }
}
