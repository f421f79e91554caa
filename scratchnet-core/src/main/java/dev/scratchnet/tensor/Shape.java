package dev.scratchnet.tensor;

/**
 * The shape of one example as a layer sees it: channels × rows × cols, stored row-major in that order
 * (PyTorch's NCHW without the N). A flat vector of n values, such as a dense layer's input or output, is
 * n × 1 × 1.
 */
public record Shape(int channels, int rows, int cols) implements java.io.Serializable {

    public Shape {
        if (channels < 1 || rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a shape needs positive sizes, got " + channels + "x" + rows + "x" + cols);
        }
        if ((long) channels * rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a shape of " + channels + "x" + rows + "x" + cols
                    + " has more values than an array holds");
        }
    }

    /** A flat vector of n values: n × 1 × 1. */
    public static Shape flat(int n) {
        return new Shape(n, 1, 1);
    }

    /** One channel of rows × cols, as an image data set's examples are. */
    public static Shape image(int rows, int cols) {
        return new Shape(1, rows, cols);
    }

    /** Values per example. */
    public int size() {
        return channels * rows * cols;
    }

    public boolean isFlat() {
        return rows == 1 && cols == 1;
    }

    /** As the {@code --layers} grammar writes it: {@code 784} when flat, else {@code 1x28x28}. */
    @Override
    public String toString() {
        return isFlat() ? String.valueOf(channels) : channels + "x" + rows + "x" + cols;
    }
}
