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
            boolean last = i == items.length - 1;
            LayerSpec spec = item(items[i], i + 1, last ? output : hidden);
            String where = "--layers item " + (i + 1) + " '" + items[i] + "' (input " + shape + "): ";
            if (last && !(spec instanceof LayerSpec.Dense)) {
                throw new IllegalArgumentException(where + "the last item is the output layer and must be its size, "
                        + "e.g. 10");
            }
            if (!(spec instanceof LayerSpec.Dense) && !layers.isEmpty()
                    && layers.get(layers.size() - 1) instanceof LayerSpec.Dense) {
                throw new IllegalArgumentException(where + "convolution and pooling come before the dense layers, "
                        + "not after one");
            }
            if (spec instanceof LayerSpec.MaxPool && !layers.isEmpty()
                    && layers.get(layers.size() - 1) instanceof LayerSpec.Conv conv && conv.activation() == hidden) {
                layers.set(layers.size() - 1, conv.withActivation(Activation.IDENTITY)); // σ after the pooling
            } else if (spec instanceof LayerSpec.MaxPool) {
                spec = spec.withActivation(Activation.IDENTITY);
            }
            try {
                shape = spec.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
            layers.add(spec);
        }
        return new Architecture(first, layers);
    }

    static Shape input(String item) {
        Matcher m = INPUT.matcher(item);
        if (!m.matches()) {
            throw new IllegalArgumentException("--layers item 1 '" + item + "' is not an input shape; use 784 (a flat "
                    + "vector) or 1x28x28 (channels x rows x cols)");
        }
        int[] sizes = m.group(2) == null ? new int[] {positive(m.group(1), 1, item), 1, 1}
                : new int[] {positive(m.group(1), 1, item), positive(m.group(2), 1, item), positive(m.group(3), 1, item)};
        return new Shape(sizes[0], sizes[1], sizes[2]);
    }

    private static LayerSpec item(String item, int position, Activation activation) {
        if (DENSE.matcher(item).matches()) {
            return new LayerSpec.Dense(positive(item, position, item), activation);
        }
        Matcher pool = POOL.matcher(item);
        if (pool.matches()) {
            return new LayerSpec.MaxPool(positive(pool.group(1), position, item), activation);
        }
        Matcher conv = CONV.matcher(item);
        if (!conv.matches()) {
            throw new IllegalArgumentException("--layers item " + position + " '" + item + "' is not a layer; " + ITEMS);
        }
        int kernel = positive(conv.group(1), position, item);
        if (kernel != positive(conv.group(2), position, item)) {
            throw new IllegalArgumentException("--layers item " + position + " '" + item + "': kernels are square, "
                    + "write conv" + kernel + "x" + kernel);
        }
        int stride = 1;
        int padding = 0;
        Matcher option = OPTION.matcher(conv.group(4));
        while (option.find()) {
            if (option.group(1).equals("s")) {
                stride = positive(option.group(2), position, item);
            } else {
                padding = Integer.parseInt(option.group(2));
            }
        }
        try {
            return new LayerSpec.Conv(kernel, positive(conv.group(3), position, item), stride, padding, activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--layers item " + position + " '" + item + "': " + e.getMessage());
        }
    }

    private static int positive(String digits, int position, String item) {
        int value;
        try {
            value = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1 || value > 1 << 20) {
            throw new IllegalArgumentException("--layers item " + position + " '" + item + "': sizes must be whole "
                    + "numbers from 1 to " + (1 << 20) + ", got " + digits);
        }
        return value;
    }
}
