package dev.scratchnet.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.scratchnet.io.AtomicFile;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Layer;
import dev.scratchnet.nn.LayerSpec;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network as an ONNX inference graph, opset {@link #OPSET} (ONNX 1.12 knows up to 17; ONNX Runtime 1.20
 * runs it). The input {@code input} is shaped as the model takes it, [N, 784] or [N, 1, 28, 28] with a
 * dynamic batch N, values in [0, 1]; the output {@code output} is the output layer's activations (class
 * probabilities for softmax). Dense layers are Gemm (transB = 1, so weights stay [out, in]), conv layers
 * Conv (weights [out, in, kh, kw]), pooling MaxPool, the flatten before the first dense layer Flatten;
 * each layer's activation follows it (Relu, Sigmoid, Tanh, Softmax on axis 1; nothing for identity).
 * Dropout is a training matter and is left out. The model file's metadata is copied into metadata_props.
 */
public final class OnnxExport {

    public static final int OPSET = 17;
    /** ONNX IR version 8: what ONNX 1.12 writes for opset 17. */
    static final long IR_VERSION = 8;

    private OnnxExport() {
    }

    /** Writes the model file's network and metadata as ONNX, atomically. */
    public static void write(ModelFile.Model model, Map<String, String> metadata, Path out) throws IOException {
        AtomicFile.write(out, model(model.network(), metadata).toByteArray());
    }

    static ModelProto model(Network network, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("ScratchNet")
                .setProducerVersion("0.1.0").setGraph(graph(network))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    private static GraphProto graph(Network network) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("scratchnet");
        Shape input = network.architecture().input();
        graph.addInput(value("input", input.isFlat() ? new long[] {input.size()}
                : new long[] {input.channels(), input.rows(), input.cols()}));
        String x = "input";
        boolean flat = input.isFlat();
        List<Layer> layers = network.layers();
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            for (Parameter p : layer.parameters()) {
                graph.addInitializer(tensor(p));
            }
            if (layer.spec() instanceof LayerSpec.Dense && !flat) {
                graph.addNode(node("Flatten", "flatten" + l, List.of(x), x = "flat" + l).addAttribute(integer("axis", 1)));
                flat = true;
            }
            String y = "layers." + l;
            graph.addNode(layerNode(layer, l, x, y));
            x = activation(graph, layer.activation(), y, l);
        }
        graph.addNode(node("Identity", "output", List.of(x), "output"));
        graph.addOutput(value("output", new long[] {network.outputSize()}));
        return graph.build();
    }

    private static NodeProto.Builder layerNode(Layer layer, int l, String x, String y) {
        List<String> params = layer.parameters().stream().map(Parameter::name).toList();
        List<String> inputs = new ArrayList<>(List.of(x));
        inputs.addAll(params);
        if (layer.spec() instanceof LayerSpec.Conv conv) {
            long k = conv.kernel();
            long p = conv.padding();
            return node("Conv", y, inputs, y).addAttribute(ints("kernel_shape", k, k))
                    .addAttribute(ints("strides", conv.stride(), conv.stride())).addAttribute(ints("pads", p, p, p, p));
        }
        if (layer.spec() instanceof LayerSpec.MaxPool pool) {
            long k = pool.window();
            return node("MaxPool", y, inputs, y).addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", k, k));
        }
        return node("Gemm", y, inputs, y).addAttribute(integer("transB", 1));
    }

    /** The activation's node after the layer's output y; returns the name of its output. */
    private static String activation(GraphProto.Builder graph, Activation activation, String y, int l) {
        String op = switch (activation) {
            case RELU -> "Relu";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case SOFTMAX -> "Softmax";
            case IDENTITY -> null;
        };
        if (op == null) {
            return y;
        }
        NodeProto.Builder node = node(op, op.toLowerCase(java.util.Locale.ROOT) + l, List.of(y), "a" + l);
        if (activation == Activation.SOFTMAX) {
            node.addAttribute(integer("axis", 1));
        }
        graph.addNode(node);
        return "a" + l;
    }

    private static NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static TensorProto tensor(Parameter p) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * p.size()).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(p.values());
        TensorProto.Builder t = TensorProto.newBuilder().setName(p.name()).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (int d : p.shape()) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A float tensor [N, dims...] with a dynamic batch N. */
    private static ValueInfoProto value(String name, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
