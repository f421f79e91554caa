package dev.scratchnet.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns a picture of a digit into MNIST form, the way the MNIST digits were made (LeCun et al.): the ink's
 * bounding box scaled to fit a 20×20 box keeping its aspect ratio, anti-aliased, then placed in a 28×28
 * field so that its centre of mass is at the centre. Output: 784 floats, row-major, ink = 1, paper = 0.
 *
 * <p>Either polarity is accepted (dark ink on light paper or the reverse, decided from the border);
 * transparent pixels count as paper. Ink is told from paper by Otsu's threshold, which makes the image
 * bilevel like NIST's original scans (so paper texture does not become ink); the grey levels of the result
 * come, as in MNIST, from the anti-aliasing of the size normalization.
 */
public final class DigitImage {

    public static final int SIDE = 28;
    /** Images that declare more pixels than this (a 4096 × 4096 photo) are refused before decoding. */
    public static final int MAX_PIXELS = 1 << 24;
    /** Images narrower or lower than this are refused as blank: no digit can be read from them. */
    public static final int MIN_SIDE = 8;
    /** Images whose lightest and darkest pixels differ by less than this (of 0 to 1) are refused as blank. */
    public static final float MIN_SPREAD = 0.15f;
    private static final int BOX = 20;

    private DigitImage() {
    }

    /** Reads a PNG or JPEG file and preprocesses it; messages do not repeat the path, which the caller has. */
    public static float[] fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException("no such file");
        } catch (IOException e) {
            throw new DataException("cannot read it (" + e.getMessage() + ")", e);
        }
        return fromBytes(bytes);
    }

    /** Decodes PNG or JPEG bytes and preprocesses them. */
    public static float[] fromBytes(byte[] bytes) {
        return preprocess(decode(bytes));
    }

    /**
     * Decodes an image after reading its size from its header: one that declares more than
     * {@value #MAX_PIXELS} pixels is refused before any pixel is decoded (a small file can declare a huge
     * image, and decoding it would take gigabytes).
     */
    static BufferedImage decode(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataException("not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > MAX_PIXELS) {
                    throw new DataException("the image is " + w + " × " + h + " pixels; images of at most " + MAX_PIXELS
                            + " pixels (4096 × 4096) are read");
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new DataException("not a PNG or JPEG image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            String why = e.getMessage() == null || e.getMessage().isBlank() ? "its data is damaged or cut short"
                    : e.getMessage().lines().findFirst().orElse("");
            throw new DataException("not a readable PNG or JPEG image (" + why + ")");
        }
    }

    /** Preprocesses a decoded image of any size. */
    public static float[] preprocess(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (w < MIN_SIDE || h < MIN_SIDE) {
            throw new DataException("no digit found: the image is " + w + " × " + h + " pixels, smaller than "
                    + MIN_SIDE + " × " + MIN_SIDE);
        }
        float[] ink = inkMap(image, w, h);
        float lowest = Float.MAX_VALUE;
        float highest = -Float.MAX_VALUE;
        for (float v : ink) {
            lowest = Math.min(lowest, v);
            highest = Math.max(highest, v);
        }
        if (highest - lowest < MIN_SPREAD) {
            throw new DataException("no digit found: the image is blank (its pixels differ by less than "
                    + Math.round(100 * MIN_SPREAD) + "% of the range from black to white)");
        }
        Otsu split = Otsu.of(ink);
        if (split.inkLevel() - split.paperLevel() < 0.15f) {
            throw new DataException("no digit found: the image is blank (no ink stands out from the paper)");
        }
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (ink[i] >= split.threshold()) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
                ink[i] = ink[i] >= split.threshold() ? 1f : 0f; // bilevel, as NIST's scans were
            }
        }
        int bw = x1 - x0 + 1;
        int bh = y1 - y0 + 1;
        double scale = (double) BOX / Math.max(bw, bh);
        int nw = Math.max(1, (int) Math.round(bw * scale));
        int nh = Math.max(1, (int) Math.round(bh * scale));
        float[] box = Resample.area(ink, w, x0, y0, bw, bh, nw, nh);
        return centreByMass(box, nw, nh);
    }

    /** Ink per pixel in [0, 1]: darkness (or lightness, for light ink) times opacity. */
    private static float[] inkMap(BufferedImage image, int w, int h) {
        float[] lum = new float[w * h];
        float[] alpha = new float[w * h];
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            alpha[i] = ((p >>> 24) & 0xff) / 255f;
            lum[i] = (0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff)) / 255f;
        }
        boolean darkInk = darkInk(lum, alpha, w, h);
        float[] ink = new float[w * h];
        for (int i = 0; i < ink.length; i++) {
            ink[i] = alpha[i] * (darkInk ? 1f - lum[i] : lum[i]);
        }
        return ink;
    }

    /** Light paper means dark ink: judged from the opaque border pixels, else from the opaque strokes. */
    private static boolean darkInk(float[] lum, float[] alpha, int w, int h) {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean border = x == 0 || y == 0 || x == w - 1 || y == h - 1;
                int i = y * w + x;
                if (border && alpha[i] >= 0.5f) {
                    sum += lum[i];
                    count++;
                }
            }
        }
        if (count > 0) {
            return sum / count >= 0.5;
        }
        // A transparent border: the opaque pixels are the strokes; dark strokes mean dark ink.
        for (int i = 0; i < lum.length; i++) {
            if (alpha[i] >= 0.5f) {
                sum += lum[i];
                count++;
            }
        }
        return count == 0 || sum / count < 0.5;
    }

    /**
     * Places the box in a 28×28 field with its centre of mass at pixel (14, 14), in pixel-index coordinates
     * as MNIST's digits have it (their mean centre of mass is at index 14, not at the field's midpoint 13.5).
     */
    private static float[] centreByMass(float[] box, int nw, int nh) {
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < nh; y++) {
            for (int x = 0; x < nw; x++) {
                float v = box[y * nw + x];
                mass += v;
                mx += v * x;
                my += v * y;
            }
        }
        double cx = mass > 0 ? mx / mass : (nw - 1) / 2.0;
        double cy = mass > 0 ? my / mass : (nh - 1) / 2.0;
        int ox = clamp((int) Math.round(SIDE / 2 - cx), 0, SIDE - nw);
        int oy = clamp((int) Math.round(SIDE / 2 - cy), 0, SIDE - nh);
        float[] out = new float[SIDE * SIDE];
        for (int y = 0; y < nh; y++) {
            System.arraycopy(box, y * nw, out, (oy + y) * SIDE + ox, nw);
        }
        return out;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Otsu's threshold (1979): the split of the ink histogram that maximizes the between-class variance. */
    record Otsu(float threshold, float paperLevel, float inkLevel) {
        static Otsu of(float[] ink) {
            int bins = 256;
            long[] hist = new long[bins];
            double total = 0;
            for (float v : ink) {
                hist[Math.min(bins - 1, (int) (v * bins))]++;
            }
            for (int t = 0; t < bins; t++) {
                total += hist[t] * ((t + 0.5) / bins); // bin centres here as below, so the class means agree
            }
            long n = ink.length;
            double sumBelow = 0;
            long countBelow = 0;
            double bestVar = -1;
            int best = 0;
            for (int t = 0; t < bins; t++) {
                countBelow += hist[t];
                sumBelow += hist[t] * ((t + 0.5) / bins);
                long countAbove = n - countBelow;
                if (countBelow == 0 || countAbove == 0) {
                    continue;
                }
                double m0 = sumBelow / countBelow;
                double m1 = (total - sumBelow) / countAbove;
                double var = (double) countBelow * countAbove * (m0 - m1) * (m0 - m1);
                if (var > bestVar) {
                    bestVar = var;
                    best = t;
                }
            }
            float threshold = (best + 1f) / bins;
            double below = 0, above = 0;
            long nb = 0, na = 0;
            for (float v : ink) {
                if (v < threshold) {
                    below += v;
                    nb++;
                } else {
                    above += v;
                    na++;
                }
            }
            float paper = nb == 0 ? 0f : (float) (below / nb);
            float inkLevel = na == 0 ? paper : (float) (above / na);
            return new Otsu(threshold, paper, inkLevel);
        }
    }
}
