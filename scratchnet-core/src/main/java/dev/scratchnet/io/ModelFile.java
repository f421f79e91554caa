package dev.scratchnet.io;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.LayerSpec;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads a network with its {@link ModelInfo} as a safetensors file. Every parameter is a tensor
 * of its state_dict name and shape: a dense layer N's are {@code layers.N.weight} [outputs, inputs] and
 * {@code layers.N.bias} [outputs], as in PyTorch's Linear.
 *
 * A convolution N's weight is [out_channels, in_channels, kh, kw], as in PyTorch's Conv2d.
 *
 * <p>The metadata key {@code architecture} holds {@code {"layers": [...]}}, one object per layer with its
 * {@code type}; a dense layer's is {@code {"type": "dense", "inputs": n_in, "outputs": n_out,
 * "activation": "sigmoid"|"tanh"|"relu"|"softmax"}}. A convolutional network's (format version 2) also
 * holds {@code "input": "1x28x28"} and {@code "text"}, the {@code --layers} string, and its layers
 * {@code {"type": "conv", "kernel": K, "filters": F, "stride": S, "padding": P, "activation": id}} and
 * {@code {"type": "maxpool", "window": K, "activation": id}}. Dense networks are still written as version 1,
 * which every earlier ScratchNet reads.
 */
public final class ModelFile {

    /** The version written for dense networks. */
    public static final String FORMAT_VERSION = "1";
    /** The version written for networks with convolution or pooling layers. */
    public static final String CONV_FORMAT_VERSION = "2";

    /** A loaded model. */
    public record Model(Network network, ModelInfo info) {
    }

    private ModelFile() {
    }

    /** Saves a network with no training metadata. */
    public static void save(Path file, Network network) throws IOException {
        save(file, network, new ModelInfo(Map.of(), "", "", ModelInfo.PIXEL_SCALING, List.of(), Double.NaN));
    }

    /** Writes atomically (temporary file, then rename). */
    public static void save(Path file, Network network, ModelInfo info) throws IOException {
        SafeTensors.write(file, metadata(network, info), tensors(network));
    }

    /** The network's tensors as a model file names them. */
    public static List<SafeTensors.Tensor> tensors(Network network) {
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        for (Parameter p : network.parameters()) {
            tensors.add(new SafeTensors.Tensor(p.name(), p.shape(), p.values()));
        }
        return tensors;
    }

    /** A model file's metadata for this network and info. */
    public static Map<String, String> metadata(Network network, ModelInfo info) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "scratchnet");
        meta.put("format_version", network.architecture().convolutional() ? CONV_FORMAT_VERSION : FORMAT_VERSION);
        meta.put("architecture", Json.write(architectureJson(network.architecture())));
        meta.put("training", Json.write(info.training()));
        meta.put("dataset", info.dataset());
        meta.put("dataset_sha256", info.datasetSha256());
        meta.put("input_scaling", info.inputScaling());
        meta.put("class_names", Json.write(info.classNames()));
        meta.put("test_accuracy", Double.isNaN(info.testAccuracy()) ? "" : String.valueOf(info.testAccuracy()));
        return meta;
    }

    /** Loads and checks a model file; a {@link ModelFormatException} names what is wrong. */
    public static Model load(Path file) {
        return fromContents(SafeTensors.read(file), file.toString());
    }

    /**
     * The model in a file's contents (also a checkpoint's: tensors outside {@code layers.*} are someone
     * else's and ignored here).
     */
    public static Model fromContents(SafeTensors.Contents contents, String source) {
        Map<String, String> meta = contents.metadata();
        String version = meta.get("format_version");
        if (!"scratchnet".equals(meta.get("format")) || version == null) {
            throw SafeTensors.corrupt(source, "it is a safetensors file but not a ScratchNet model (no format metadata)");
        }
        if (!version.equals(FORMAT_VERSION) && !version.equals(CONV_FORMAT_VERSION)) {
            throw new ModelFormatException(source + " has model format version " + version
                    + "; this ScratchNet reads versions " + FORMAT_VERSION + " and " + CONV_FORMAT_VERSION
                    + " (upgrade ScratchNet)");
        }
        Architecture arch = parseArchitecture(required(meta, "architecture", source), source);
        long held = contents.tensors().entrySet().stream().filter(e -> e.getKey().startsWith("layers."))
                .mapToLong(e -> e.getValue().data().length).sum();
        if (arch.parameterCount() > held) { // before any array is made: a few header bytes can describe a huge net
            throw SafeTensors.corrupt(source, "its architecture " + arch.text() + " needs " + arch.parameterCount()
                    + " weights but the file holds " + held);
        }
        Network network = new Network(arch);
        for (Parameter p : network.parameters()) {
            float[] values = tensor(contents, p.name(), p.shape(), source);
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw SafeTensors.corrupt(source, "tensor " + p.name() + " holds " + v
                            + " values (saved from a run that diverged?); a model's weights must be finite numbers");
                }
            }
            System.arraycopy(values, 0, p.values(), 0, values.length);
        }
        long layerTensors = contents.tensors().keySet().stream().filter(name -> name.startsWith("layers.")).count();
        if (layerTensors != network.parameters().size()) {
            throw SafeTensors.corrupt(source, "it holds " + layerTensors + " layer tensors but its architecture "
                    + arch.text() + " needs " + network.parameters().size());
        }
        ModelInfo info = new ModelInfo(asMap(parse(meta.getOrDefault("training", "{}"), source)),
                meta.getOrDefault("dataset", ""), meta.getOrDefault("dataset_sha256", ""),
                meta.getOrDefault("input_scaling", ModelInfo.PIXEL_SCALING),
                stringList(parse(meta.getOrDefault("class_names", "[]"), source)),
                parseAccuracy(meta.getOrDefault("test_accuracy", "")));
        if (!info.classNames().isEmpty() && info.classNames().size() != network.outputSize()) {
            throw SafeTensors.corrupt(source, "it names " + info.classNames().size() + " classes but its output layer has "
                    + network.outputSize() + " neurons");
        }
        return new Model(network, info);
    }

    static Map<String, Object> architectureJson(Architecture arch) {
        List<Object> layers = new ArrayList<>();
        Shape input = arch.input();
        for (LayerSpec spec : arch.layers()) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("type", spec.type());
            if (spec instanceof LayerSpec.Dense dense) {
                layer.put("inputs", input.size());
                layer.put("outputs", dense.outputs());
            } else if (spec instanceof LayerSpec.Conv conv) {
                layer.put("kernel", conv.kernel());
                layer.put("filters", conv.filters());
                layer.put("stride", conv.stride());
                layer.put("padding", conv.padding());
            } else if (spec instanceof LayerSpec.MaxPool pool) {
                layer.put("window", pool.window());
            }
            layer.put("activation", spec.activation().id());
            layers.add(layer);
            input = spec.outputShape(input);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        if (arch.convolutional()) {
            json.put("input", arch.input().toString());
            json.put("text", arch.text());
        }
        json.put("layers", layers);
        return json;
    }

    static Architecture parseArchitecture(String json, String source) {
        try {
            Map<String, Object> root = asMap(parse(json, source));
            List<LayerSpec> layers = new ArrayList<>();
            Integer flatInputs = null;
            for (Object o : (List<?>) root.get("layers")) {
                Map<String, Object> layer = asMap(o);
                if (layers.isEmpty() && "dense".equals(layer.get("type"))) {
                    flatInputs = number(layer, "inputs");
                }
                layers.add(layerSpec(layer));
            }
            if (root.get("input") == null && flatInputs == null) {
                throw new IllegalArgumentException("no input shape");
            }
            Shape input = root.get("input") != null ? Architecture.parseInput(String.valueOf(root.get("input")))
                    : Shape.flat(flatInputs);
            Architecture arch = new Architecture(input, layers);
            checkChained(root, arch);
            return arch;
        } catch (RuntimeException e) {
            throw SafeTensors.corrupt(source, "its architecture metadata is invalid ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    private static LayerSpec layerSpec(Map<String, Object> layer) {
        Activation activation = Activation.parse((String) layer.get("activation"));
        Object type = layer.get("type");
        if ("dense".equals(type)) {
            return new LayerSpec.Dense(number(layer, "outputs"), activation);
        }
        if ("conv".equals(type)) {
            return new LayerSpec.Conv(number(layer, "kernel"), number(layer, "filters"), number(layer, "stride"),
                    number(layer, "padding"), activation);
        }
        if ("maxpool".equals(type)) {
            return new LayerSpec.MaxPool(number(layer, "window"), activation);
        }
        throw new IllegalArgumentException("unknown layer type " + type);
    }

    /** Every dense layer's recorded inputs must be what the layers before it make. */
    private static void checkChained(Map<String, Object> root, Architecture arch) {
        List<?> layers = (List<?>) root.get("layers");
        Shape shape = arch.input();
        for (int l = 0; l < layers.size(); l++) {
            Map<String, Object> layer = asMap(layers.get(l));
            if ("dense".equals(layer.get("type")) && number(layer, "inputs") != shape.size()) {
                throw new IllegalArgumentException("layer inputs " + number(layer, "inputs") + " do not chain");
            }
            shape = arch.layers().get(l).outputShape(shape);
        }
    }

    private static int number(Map<String, Object> layer, String key) {
        if (!(layer.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("a " + layer.get("type") + " layer needs a number " + key);
        }
        return n.intValue();
    }

    private static float[] tensor(SafeTensors.Contents contents, String name, int[] shape, String source) {
        SafeTensors.Tensor t = contents.tensors().get(name);
        if (t == null) {
            throw SafeTensors.corrupt(source, "tensor " + name + " is missing");
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw SafeTensors.corrupt(source, "tensor " + name + " has shape " + java.util.Arrays.toString(t.shape())
                    + " but the architecture needs " + java.util.Arrays.toString(shape));
        }
        return t.data();
    }

    private static String required(Map<String, String> meta, String key, String source) {
        String v = meta.get(key);
        if (v == null) {
            throw SafeTensors.corrupt(source, "metadata " + key + " is missing");
        }
        return v;
    }

    private static Object parse(String json, String source) {
        try {
            return Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw SafeTensors.corrupt(source, "a metadata value is not valid JSON (" + e.getMessage() + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return (Map<String, Object>) o;
    }

    private static List<String> stringList(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            list.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    private static double parseAccuracy(String s) {
        try {
            return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
