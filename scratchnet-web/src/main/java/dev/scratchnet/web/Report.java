package dev.scratchnet.web;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.io.AtomicFile;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.nn.Network;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A self-contained HTML report of a model: learning curves (from a metrics file), the confusion matrix as a
 * heat map, the 25 most confidently wrong test digits, and the first layer's weights drawn as images of the data set's shape.
 * Pictures are PNG files beside {@code index.html}; every file is written atomically.
 */
public final class Report {


    private Report() {
    }

    /**
     * Writes the report into {@code out}; {@code metrics} are the metrics file's lines (may be empty).
     * Returns the paths written.
     */
    public static List<Path> write(Path out, Path modelFile, ModelFile.Model model, Dataset test,
                                   List<Map<?, ?>> metrics) throws IOException {
        Network network = model.network();
        float[][] inputs = new float[test.size()][];
        for (int i = 0; i < test.size(); i++) {
            inputs[i] = test.image(i);
        }
        float[][] outputs = network.predict(inputs);
        int classes = network.outputSize();
        int[][] confusion = new int[classes][classes];
        List<int[]> wrong = new ArrayList<>(); // {index, answer}
        for (int i = 0; i < test.size(); i++) {
            int answer = Network.argmax(outputs[i], 0, classes);
            confusion[test.label(i)][answer]++;
            if (answer != test.label(i)) {
                wrong.add(new int[] {i, answer});
            }
        }
        wrong.sort(Comparator.comparingDouble((int[] w) -> -outputs[w[0]][w[1]]));
        List<Path> written = new ArrayList<>();
        StringBuilder html = new StringBuilder();
        int correct = test.size() - wrong.size();
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ScratchNet report</title>")
                .append("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}h2{margin-top:28px}"
                        + "img{border:1px solid #ccc;max-width:100%}</style></head><body>")
                .append("<h1>ScratchNet report</h1><p>Model <code>").append(escape(modelFile.toString()))
                .append("</code>: layers ").append(network.architecture().text()).append(", trained on ")
                .append(escape(model.info().dataset())).append(String.format(Locale.ROOT,
                        ". Test accuracy %.2f%% (%d of %d).</p>", 100.0 * correct / test.size(), correct, test.size()));
        if (!metrics.isEmpty()) {
            written.add(png(out.resolve("learning-curves.png"), curves(metrics)));
            html.append("<h2>Learning curves</h2><img src=\"learning-curves.png\" alt=\"cost and accuracy per epoch\">");
        }
        written.add(png(out.resolve("confusion.png"), heatMap(confusion)));
        html.append("<h2>Confusion matrix</h2><p>Rows: true class; columns: the network's answer.</p>")
                .append("<img src=\"confusion.png\" alt=\"confusion matrix\">");
        written.add(png(out.resolve("mistakes.png"), mistakes(wrong.subList(0, Math.min(25, wrong.size())), test, outputs)));
        html.append("<h2>The 25 most confidently wrong test digits</h2><p>Label → answer (probability).</p>")
                .append("<img src=\"mistakes.png\" alt=\"most confidently wrong digits\">");
        Parameter first = network.parameters().get(0);
        boolean conv = first.shape().length == 4;
        written.add(png(out.resolve("weights.png"), conv ? weights(first, first.shape()[2], first.shape()[3], 12)
                : weights(first, test.imageRows(), test.imageCols(), 2)));
        html.append(conv ? "<h2>First conv layer's filters</h2><p>Each square is one filter's " + first.shape()[2] + " × "
                        + first.shape()[3] + " weights" + (first.shape()[1] > 1 ? " on the first input channel" : "")
                        : "<h2>First layer weights</h2><p>Each square is one neuron's " + first.shape()[1] + " incoming weights")
                .append(": blue positive, red negative.</p>"
                        + "<img src=\"weights.png\" alt=\"first layer weights\"></body></html>\n");
        Path index = out.resolve("index.html");
        AtomicFile.write(index, html.toString().getBytes(StandardCharsets.UTF_8));
        written.add(index);
        return written;
    }

    private static Path png(Path file, BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        AtomicFile.write(file, bytes.toByteArray());
        return file;
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    /** Training cost (left) and validation/test accuracy (right) per epoch. */
    static BufferedImage curves(List<Map<?, ?>> metrics) {
        List<Map<?, ?>> epochs = metrics.stream().filter(m -> m.get("epoch") != null).toList();
        BufferedImage img = new BufferedImage(900, 320, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        panel(g, 50, 30, 380, 240, epochs, List.of("train_cost"), List.of(new Color(0xd62728)), "training cost");
        panel(g, 500, 30, 380, 240, epochs, List.of("validation_accuracy", "test_accuracy", "train_accuracy"),
                List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)), "accuracy");
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, int x, int y, int w, int h, List<Map<?, ?>> epochs, List<String> keys,
                              List<Color> colors, String title) {
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (Map<?, ?> m : epochs) {
            for (String k : keys) {
                if (m.get(k) instanceof Number n) {
                    min = Math.min(min, n.doubleValue());
                    max = Math.max(max, n.doubleValue());
                }
            }
        }
        if (min > max) {
            return;
        }
        if (max - min < 1e-9) {
            max = min + 1;
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, y, w, h);
        g.setColor(Color.BLACK);
        g.drawString(title, x, y - 8);
        g.drawString(String.format(Locale.ROOT, "%.4g", max), x - 45, y + 10);
        g.drawString(String.format(Locale.ROOT, "%.4g", min), x - 45, y + h);
        g.drawString("epoch 1", x, y + h + 16);
        g.drawString(String.valueOf(epochs.size()), x + w - 20, y + h + 16);
        g.setStroke(new BasicStroke(2f));
        for (int k = 0; k < keys.size(); k++) {
            g.setColor(colors.get(k));
            int px = -1, py = -1;
            boolean any = false;
            for (int e = 0; e < epochs.size(); e++) {
                if (!(epochs.get(e).get(keys.get(k)) instanceof Number n)) {
                    continue;
                }
                any = true;
                int cx = x + (epochs.size() == 1 ? w / 2 : e * w / (epochs.size() - 1));
                int cy = y + h - (int) Math.round((n.doubleValue() - min) / (max - min) * h);
                if (px >= 0) {
                    g.drawLine(px, py, cx, cy);
                }
                g.fillOval(cx - 2, cy - 2, 5, 5);
                px = cx;
                py = cy;
            }
            if (any) {
                g.drawString(keys.get(k), x + 8, y + 18 + 16 * k);
            }
        }
    }

    /** The confusion matrix, darker for more examples, with the counts written in. */
    static BufferedImage heatMap(int[][] confusion) {
        int n = confusion.length;
        int cell = 44;
        BufferedImage img = new BufferedImage(60 + n * cell, 60 + n * cell, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int max = 1;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                if (t != p) {
                    max = Math.max(max, confusion[t][p]);
                }
            }
        }
        for (int t = 0; t < n; t++) {
            g.setColor(Color.BLACK);
            g.drawString(String.valueOf(t), 30, 50 + t * cell + cell / 2);
            g.drawString(String.valueOf(t), 50 + t * cell + cell / 2 - 3, 38);
            for (int p = 0; p < n; p++) {
                // Off-diagonal errors are scaled to the largest error, so the mistakes stand out.
                double v = t == p ? 1 : Math.min(1, (double) confusion[t][p] / max);
                Color color = t == p ? new Color(0x2b6cb0) : new Color(255, (int) (255 - 200 * v), (int) (255 - 200 * v));
                g.setColor(color);
                g.fillRect(45 + p * cell, 45 + t * cell, cell - 2, cell - 2);
                g.setColor(t == p ? Color.WHITE : Color.BLACK);
                g.drawString(String.valueOf(confusion[t][p]), 50 + p * cell, 45 + t * cell + cell / 2 + 4);
            }
        }
        g.dispose();
        return img;
    }

    /** Up to 25 digits in a 5×5 grid, each captioned "label → answer (probability)". */
    static BufferedImage mistakes(List<int[]> wrong, Dataset test, float[][] outputs) {
        int scale = 3;
        int rows = test.imageRows();
        int cols = test.imageCols();
        int cellW = cols * scale + 30;
        int cellH = rows * scale + 24;
        BufferedImage img = new BufferedImage(5 * cellW + 10, 5 * cellH + 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        for (int k = 0; k < wrong.size(); k++) {
            int index = wrong.get(k)[0];
            int answer = wrong.get(k)[1];
            float[] x = test.image(index);
            int ox = 10 + (k % 5) * cellW;
            int oy = 10 + (k / 5) * cellH;
            for (int p = 0; p < rows * cols; p++) {
                int v = Math.round(255 * (1 - x[p]));
                g.setColor(new Color(v, v, v));
                g.fillRect(ox + (p % cols) * scale, oy + (p / cols) * scale, scale, scale);
            }
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%d → %d (%.2f)", test.label(index), answer, outputs[index][answer]),
                    ox, oy + rows * scale + 14);
        }
        g.dispose();
        return img;
    }

    /**
     * A first layer's weights per neuron as tiles of height × width, {@code scale} pixels per weight (up to
     * 100 neurons): a dense layer's [neurons × inputs] as images of the data set's shape, a conv layer's
     * [filters × C × K × K] as its K × K filters (the first input channel's).
     */
    static BufferedImage weights(Parameter weights, int height, int width, int scale) {
        int neurons = Math.min(100, weights.shape()[0]);
        int cols = (int) Math.ceil(Math.sqrt(neurons));
        int rows = (neurons + cols - 1) / cols;
        int tile = Math.max(height, width) * scale + 4;
        BufferedImage img = new BufferedImage(cols * tile + 4, rows * tile + 4, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        float[] w = weights.values();
        int inputs = weights.size() / weights.shape()[0];
        for (int j = 0; j < neurons; j++) {
            float max = 1e-6f;
            for (int p = 0; p < inputs; p++) {
                max = Math.max(max, Math.abs(w[j * inputs + p]));
            }
            int ox = 4 + (j % cols) * tile;
            int oy = 4 + (j / cols) * tile;
            for (int p = 0; p < Math.min(inputs, height * width); p++) {
                float v = w[j * inputs + p] / max;
                int fade = Math.round(255 * (1 - Math.abs(v)));
                g.setColor(v >= 0 ? new Color(fade, fade, 255) : new Color(255, fade, fade));
                g.fillRect(ox + (p % width) * scale, oy + (p / width) * scale, scale, scale);
            }
        }
        g.dispose();
        return img;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
