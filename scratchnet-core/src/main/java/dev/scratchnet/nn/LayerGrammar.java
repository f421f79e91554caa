package dev.scratchnet.nn;

import dev.scratchnet.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --layers} grammar: a comma list whose first item is the input shape, {@code 784} (a flat
 * vector) or {@code 1x28x28} (channels × rows × cols), and whose last item is the output layer's size:
 * <ul>
 *   <li>{@code N}: a dense layer of N neurons (the flatten before the first one is implied, in channel,
 *       row, column order);</li>
 *   <li>{@code convKxK:F}: F filters of K × K, stride 1, no padding; options {@code :sS} (stride) and
 *       {@code :pP} (zero padding) follow the count in any order;</li>
 *   <li>{@code maxpoolK}: K × K max-pooling, stride K.</li>
 * </ul>
 * A stack that cannot work is refused with one line naming the item by position and text, its input
 * shape and why.
 */
final class LayerGrammar {

    private static final String ITEMS = "use N (a dense layer), convKxK:F with optional :sS and :pP, or maxpoolK";
    private static final Pattern INPUT = Pattern.compile("(\\d+)(?:x(\\d+)x(\\d+))?");
    private static final Pattern DENSE = Pattern.compile("\\d+");
    private static final Pattern CONV = Pattern.compile("conv(\\d+)x(\\d+):(\\d+)((?::[sp]\\d+)*)");
    private static final Pattern OPTION = Pattern.compile(":([sp])(\\d+)");
    private static final Pattern POOL = Pattern.compile("maxpool(\\d+)");

    private LayerGrammar() {
    }

    static Architecture parse(String text, Activation hidden, Activation output) {
        String[] items = text.strip().split("\\s*,\\s*", -1);
        if (items.length < 2) {
            throw new IllegalArgumentException("--layers needs at least an input and an output, e.g. 784,10 or "
                    + "1x28x28,conv5x5:20,maxpool2,10; got '" + text + "'");
        }
        Shape shape = input(items[0]);
        Shape first = shape;
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 1; i < items.length; i++) {
            String where = "--layers item " + (i + 1) + " '" + items[i] + "' (input " + shape + "): ";
            try {
                shape = add(layers, items[i], shape, i == items.length - 1, hidden, output);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
        }
        return new Architecture(first, layers);
    }

    /** Appends the layer an item names to {@code layers}; returns its output shape, or says why it cannot be. */
    private static Shape add(List<LayerSpec> layers, String item, Shape shape, boolean last, Activation hidden,
                             Activation output) {
        LayerSpec spec = item(item, last ? output : hidden);
        LayerSpec previous = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        if (last && !(spec instanceof LayerSpec.Dense)) {
            throw new IllegalArgumentException("the last item is the output layer and must be its size, e.g. 10");
        }
        if (!(spec instanceof LayerSpec.Dense) && previous instanceof LayerSpec.Dense) {
            throw new IllegalArgumentException("convolution and pooling come before the dense layers, not after one");
        }
        if (spec instanceof LayerSpec.MaxPool && previous instanceof LayerSpec.Conv conv && conv.activation() == hidden) {
            layers.set(layers.size() - 1, conv.withActivation(Activation.IDENTITY)); // σ after the pooling
        } else if (spec instanceof LayerSpec.MaxPool) {
            spec = spec.withActivation(Activation.IDENTITY);
        }
        Shape next = spec.outputShape(shape);
        Architecture.checkSize(spec, shape, next);
        layers.add(spec);
        return next;
    }

    static Shape input(String item) {
        Matcher m = INPUT.matcher(item);
        if (!m.matches()) {
            throw new IllegalArgumentException("--layers item 1 '" + item + "' is not an input shape; use 784 (a flat "
                    + "vector) or 1x28x28 (channels x rows x cols)");
        }
        try {
            int[] sizes = m.group(2) == null ? new int[] {positive(m.group(1)), 1, 1}
                    : new int[] {positive(m.group(1)), positive(m.group(2)), positive(m.group(3))};
            return new Shape(sizes[0], sizes[1], sizes[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--layers item 1 '" + item + "' (the input): " + e.getMessage());
        }
    }

    private static LayerSpec item(String item, Activation activation) {
        if (DENSE.matcher(item).matches()) {
            return new LayerSpec.Dense(positive(item), activation);
        }
        Matcher pool = POOL.matcher(item);
        if (pool.matches()) {
            return new LayerSpec.MaxPool(positive(pool.group(1)), activation);
        }
        Matcher conv = CONV.matcher(item);
        if (!conv.matches()) {
            throw new IllegalArgumentException("not a layer; " + ITEMS);
        }
        int kernel = positive(conv.group(1));
        if (kernel != positive(conv.group(2))) {
            throw new IllegalArgumentException("kernels are square, write conv" + kernel + "x" + kernel);
        }
        int stride = 1;
        int padding = 0;
        Matcher option = OPTION.matcher(conv.group(4));
        while (option.find()) {
            if (option.group(1).equals("s")) {
                stride = positive(option.group(2));
            } else {
                padding = option.group(2).equals("0") ? 0 : positive(option.group(2));
            }
        }
        return new LayerSpec.Conv(kernel, positive(conv.group(3)), stride, padding, activation);
    }

    /** A size of an item: a whole number from 1 to 2²⁰. */
    private static int positive(String digits) {
        int value;
        try {
            value = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1 || value > 1 << 20) {
            throw new IllegalArgumentException("sizes must be whole numbers from 1 to " + (1 << 20) + ", got " + digits);
        }
        return value;
    }
}
