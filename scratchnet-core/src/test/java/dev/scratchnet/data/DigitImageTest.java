package dev.scratchnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DigitImageTest {

    /** A "7" drawn with a thick pen, ink and paper as given, on a canvas of the given size. */
    static BufferedImage seven(int w, int h, Color paper, Color ink, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setComposite(java.awt.AlphaComposite.Src);
        g.setColor(paper);
        g.fillRect(0, 0, w, h);
        g.setColor(ink);
        g.setStroke(new BasicStroke(w / 12f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(w / 4, h / 4, 3 * w / 4, h / 4);
        g.drawLine(3 * w / 4, h / 4, w / 3, 3 * h / 4);
        g.dispose();
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).isTrue();
        return out.toByteArray();
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void fitsTheInkIn20x20AndCentresItsMassAtPixel14() {
        float[] x = DigitImage.preprocess(seven(300, 400, Color.WHITE, Color.BLACK, BufferedImage.TYPE_INT_RGB));
        assertThat(x).hasSize(784);
        int x0 = 28, x1 = -1, y0 = 28, y1 = -1;
        double mass = 0, mx = 0, my = 0;
        float max = 0;
        for (int y = 0; y < 28; y++) {
            for (int c = 0; c < 28; c++) {
                float v = x[y * 28 + c];
                assertThat(v).isBetween(0f, 1f);
                max = Math.max(max, v);
                if (v > 0) {
                    x0 = Math.min(x0, c);
                    x1 = Math.max(x1, c);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
                mass += v;
                mx += v * c;
                my += v * y;
            }
        }
        assertThat(max).as("strokes reach full ink").isGreaterThan(0.9f);
        assertThat(Math.max(x1 - x0 + 1, y1 - y0 + 1)).as("longer side of the ink's box").isEqualTo(20);
        assertThat(mx / mass).as("centre of mass x").isCloseTo(14, org.assertj.core.data.Offset.offset(0.5));
        assertThat(my / mass).as("centre of mass y").isCloseTo(14, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void eitherPolarityAndTransparentPaperGiveTheSameDigit() {
        float[] dark = DigitImage.preprocess(seven(280, 280, Color.WHITE, Color.BLACK, BufferedImage.TYPE_INT_RGB));
        float[] light = DigitImage.preprocess(seven(280, 280, Color.BLACK, Color.WHITE, BufferedImage.TYPE_INT_RGB));
        float[] clear = DigitImage.preprocess(seven(280, 280, new Color(0, 0, 0, 0), Color.BLACK,
                BufferedImage.TYPE_INT_ARGB));
        float[] clearWhiteInk = DigitImage.preprocess(seven(280, 280, new Color(255, 255, 255, 0), Color.WHITE,
                BufferedImage.TYPE_INT_ARGB));
        assertThat(cosine(dark, light)).isGreaterThan(0.99);
        assertThat(cosine(dark, clear)).isGreaterThan(0.99);
        assertThat(cosine(dark, clearWhiteInk)).isGreaterThan(0.99);
    }

    @Test
    void paperTextureAndJpegArtifactsDoNotBecomeInk() throws IOException {
        BufferedImage img = seven(240, 240, Color.WHITE, new Color(30, 30, 60), BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 240; x++) {
                int rgb = img.getRGB(x, y);
                int v = Math.max(0, (rgb & 0xff) - random.nextInt(50)); // grey speckle on the paper
                if ((rgb & 0xff) > 200) {
                    img.setRGB(x, y, (v << 16) | (v << 8) | v);
                }
            }
        }
        float[] clean = DigitImage.preprocess(seven(240, 240, Color.WHITE, Color.BLACK, BufferedImage.TYPE_INT_RGB));
        float[] textured = DigitImage.fromBytes(encode(img, "jpg"));
        assertThat(cosine(clean, textured)).isGreaterThan(0.95);
        int corner = 0;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                corner += textured[y * 28 + x] > 0 ? 1 : 0;
            }
        }
        assertThat(corner).as("paper stays 0").isZero();
    }

    @Test
    void pngBytesDecode() throws IOException {
        BufferedImage img = seven(64, 64, Color.WHITE, Color.BLACK, BufferedImage.TYPE_INT_RGB);
        assertThat(DigitImage.fromBytes(encode(img, "png"))).containsExactly(DigitImage.preprocess(img));
    }

    @Test
    void rejectsTinyAndUniformImagesAsBlank() {
        BufferedImage dot = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> DigitImage.preprocess(dot)).isInstanceOf(DataException.class)
                .hasMessageContaining("1 × 1 pixels, smaller than 8 × 8");
        BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = grey.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 28, 28);
        g.setColor(new Color(140, 140, 140)); // a faint mark: less than 15% of the range apart
        g.fillRect(10, 10, 5, 5);
        g.dispose();
        assertThatThrownBy(() -> DigitImage.preprocess(grey)).isInstanceOf(DataException.class)
                .hasMessageContaining("the image is blank");
    }

    @Test
    void rejectsBlankImagesAndNonImages() throws IOException {
        BufferedImage blank = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> DigitImage.fromBytes(encode(blank, "png"))).isInstanceOf(DataException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> DigitImage.fromBytes("hello".getBytes())).isInstanceOf(DataException.class)
                .hasMessageContaining("not a PNG or JPEG image");
    }
}
