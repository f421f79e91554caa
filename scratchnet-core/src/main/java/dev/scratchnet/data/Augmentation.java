package dev.scratchnet.data;

import dev.scratchnet.tensor.Names;
import dev.scratchnet.tensor.SplitMix64;

/**
 * Random distortions of training images, drawn afresh for every example in every epoch.
 *
 * <ul>
 *   <li>{@code shift}: the book's expand_mnist.py distortions: the image as it is, or moved one pixel up,
 *       down, left or right (each with probability 1/5).</li>
 *   <li>{@code elastic}: after Simard, Steinkraus and Platt (2003): a small random affine map (rotation up
 *       to ±12°, scale 0.9 to 1.1, shear up to ±0.15, shift up to ±1.5 px) plus an elastic displacement
 *       field of up to ±1.5 px. Simard smooths a random field with a Gaussian; here a 5×5 grid of random
 *       displacements, bilinearly interpolated, gives a smooth field at a fraction of the cost. The image is
 *       resampled bilinearly.</li>
 *   <li>{@code expand}: the book's expand_mnist.py itself: the training set becomes every image plus its
 *       four one-pixel shifts, {@link #copies()} = 5 times as many examples, shuffled together each epoch.
 *       It is virtual: example k is image k / 5 as {@link #shift shifted} in direction k mod 5, so the
 *       data stays bytes. (expand_mnist.py orders each image's copies original, down, up, right, left
 *       before shuffling; after the shuffle only the set matters.)</li>
 * </ul>
 */
public enum Augmentation {
    NONE, SHIFT, ELASTIC, EXPAND;

    private static final int GRID = 5;

    public String id() {
        return Names.id(this);
    }

    public static Augmentation parse(String id) {
        return Names.parse(Augmentation.class, "augmentation", id);
    }

    /** Floats of scratch space {@link #apply} needs for a side × side image. */
    public static int scratchSize(int side) {
        return side * side + 2 * GRID * GRID;
    }

    /** How many training examples each image becomes: 5 for {@code expand}, else 1. */
    public int copies() {
        return this == EXPAND ? 5 : 1;
    }

    /** Whether {@link #apply} draws from its generator ({@code shift} and {@code elastic}). */
    public boolean draws() {
        return this == SHIFT || this == ELASTIC;
    }

    /**
     * Distorts the side × side image at {@code x[offset..]} in place, by a random draw ({@code shift},
     * {@code elastic}); {@code expand}'s copies are chosen by index instead ({@link #shift}).
     */
    public void apply(float[] x, int offset, int side, SplitMix64 random, float[] scratch) {
        switch (this) {
            case NONE, EXPAND -> { }
            case SHIFT -> shift(x, offset, side, random.nextInt(5), scratch);
            case ELASTIC -> elastic(x, offset, side, random, scratch);
            default -> throw new IllegalStateException(name());
        }
    }

    /**
     * Moves the side × side image at {@code x[offset..]} one pixel in place: direction 0 leaves it, 1 moves
     * it up, 2 down, 3 left, 4 right; the row or column shifted in is zero.
     */
    public static void shift(float[] x, int offset, int side, int direction, float[] scratch) {
        if (direction == 0) {
            return;
        }
        int dx = direction == 3 ? -1 : direction == 4 ? 1 : 0;
        int dy = direction == 1 ? -1 : direction == 2 ? 1 : 0;
        int n = side * side;
        System.arraycopy(x, offset, scratch, 0, n);
        for (int y = 0; y < side; y++) {
            for (int c = 0; c < side; c++) {
                int sy = y - dy;
                int sc = c - dx;
                x[offset + y * side + c] = sy < 0 || sy >= side || sc < 0 || sc >= side ? 0f : scratch[sy * side + sc];
            }
        }
    }

    private static void elastic(float[] x, int offset, int side, SplitMix64 random, float[] scratch) {
        int n = side * side;
        System.arraycopy(x, offset, scratch, 0, n);
        double angle = Math.toRadians(12) * (2 * random.nextFloat() - 1);
        double scale = 0.9 + 0.2 * random.nextFloat();
        double shear = 0.15 * (2 * random.nextFloat() - 1);
        double tx = 1.5 * (2 * random.nextFloat() - 1);
        double ty = 1.5 * (2 * random.nextFloat() - 1);
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        int gx = n;
        int gy = n + GRID * GRID;
        for (int g = 0; g < GRID * GRID; g++) {
            scratch[gx + g] = 1.5f * (2 * random.nextFloat() - 1);
            scratch[gy + g] = 1.5f * (2 * random.nextFloat() - 1);
        }
        double centre = (side - 1) / 2.0;
        double cell = (side - 1) / (double) (GRID - 1);
        for (int y = 0; y < side; y++) {
            for (int c = 0; c < side; c++) {
                double u = c - centre - tx;
                double v = y - centre - ty;
                // Inverse map: where in the source this output pixel comes from.
                double sx = cos * u + sin * v + shear * v + centre + field(scratch, gx, c / cell, y / cell);
                double sy = -sin * u + cos * v + centre + field(scratch, gy, c / cell, y / cell);
                x[offset + y * side + c] = bilinear(scratch, side, sx, sy);
            }
        }
    }

    /** The displacement grid bilinearly interpolated at grid coordinates (gx, gy). */
    private static double field(float[] s, int base, double gx, double gy) {
        int x0 = Math.min((int) gx, GRID - 2);
        int y0 = Math.min((int) gy, GRID - 2);
        double fx = gx - x0;
        double fy = gy - y0;
        int i = base + y0 * GRID + x0;
        return (1 - fy) * ((1 - fx) * s[i] + fx * s[i + 1]) + fy * ((1 - fx) * s[i + GRID] + fx * s[i + GRID + 1]);
    }

    private static float bilinear(float[] img, int side, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (float) ((1 - fy) * ((1 - fx) * at(img, side, x0, y0) + fx * at(img, side, x0 + 1, y0))
                + fy * ((1 - fx) * at(img, side, x0, y0 + 1) + fx * at(img, side, x0 + 1, y0 + 1)));
    }

    private static float at(float[] img, int side, int x, int y) {
        return x < 0 || y < 0 || x >= side || y >= side ? 0f : img[y * side + x];
    }
}
