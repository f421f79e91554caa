package dev.scratchnet.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir
    Path dir;

    private static ModelInfo info() {
        return new ModelInfo(Map.of("preset", "test", "eta", 0.5), "mnist", "abc", ModelInfo.PIXEL_SCALING,
                List.of("0", "1", "2"), 0.875);
    }

    private static Network network() {
        return Network.builder(5).hidden(4, Activation.TANH).output(3, Activation.SOFTMAX).seed(3).build();
    }

    @Test
    void savesAndLoadsWeightsArchitectureAndMetadata() throws IOException {
        Network net = network();
        Path file = dir.resolve("sub/model.safetensors");
        ModelFile.save(file, net, info());
        ModelFile.Model loaded = ModelFile.load(file);
        assertThat(loaded.network().architecture()).isEqualTo(net.architecture());
        assertThat(loaded.network().parameters()).hasSize(4);
        for (Parameter p : net.parameters()) {
            assertThat(loaded.network().parameter(p.name()).values()).as(p.name()).containsExactly(p.values());
            assertThat(loaded.network().parameter(p.name()).shape()).containsExactly(p.shape());
        }
        assertThat(loaded.info().training()).containsEntry("preset", "test").containsEntry("eta", 0.5);
        assertThat(loaded.info().dataset()).isEqualTo("mnist");
        assertThat(loaded.info().classNames()).containsExactly("0", "1", "2");
        assertThat(loaded.info().testAccuracy()).isEqualTo(0.875);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").hasSize(1);
        }
    }

    @Test
    void theLayoutIsSafetensors() throws IOException {
        Path file = dir.resolve("m.safetensors");
        ModelFile.save(file, network(), info());
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).as("data 8-byte aligned").isZero();
        Object header = Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertThat(header).isInstanceOf(Map.class);
        Map<?, ?> weight = (Map<?, ?>) ((Map<?, ?>) header).get("layers.0.weight");
        assertThat(weight.get("dtype")).isEqualTo("F32");
        assertThat(weight.get("shape")).isEqualTo(List.of(4L, 5L));
        assertThat(weight.get("data_offsets")).isEqualTo(List.of(0L, 80L));
        float first = ByteBuffer.wrap(bytes, 8 + (int) n, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(first).isEqualTo(ModelFile.load(file).network().parameter("layers.0.weight").values()[0]);
    }

    /** The same run writes the same bytes: the training metadata keeps its order, whatever the JVM. */
    @Test
    void theTrainingMetadataKeepsTheTrainersOrder() throws IOException {
        Map<String, Object> training = new java.util.LinkedHashMap<>();
        for (String key : List.of("preset", "layers", "activation", "output", "cost", "init", "epochs", "batch", "eta",
                "seed")) {
            training.put(key, key.length());
        }
        Path file = dir.resolve("ordered.safetensors");
        ModelFile.save(file, network(), new ModelInfo(training, "mnist", "abc", ModelInfo.PIXEL_SCALING,
                List.of("0", "1", "2"), 0.5));
        assertThat(ModelFile.load(file).info().training().keySet()).containsExactlyElementsOf(training.keySet());
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).contains("{\\\"preset\\\":6,\\\"layers\\\":6,\\\"activation\\\":10,");
    }

    @Test
    void theGoldenVersion1FileStillLoadsAndComputesWhatNumpyComputed() throws IOException {
        Path golden = copyResource("golden/model-v1.safetensors");
        ModelFile.Model model = ModelFile.load(golden);
        assertThat(model.network().architecture().text()).isEqualTo("4,3,2");
        assertThat(model.info().testAccuracy()).isEqualTo(0.5);
        assertThat(model.info().classNames()).containsExactly("a", "b");
        Map<?, ?> expected = (Map<?, ?>) Json.parse(resourceText("golden/model-v1.expected.json"));
        List<?> inputs = (List<?>) expected.get("inputs");
        List<?> outputs = (List<?>) expected.get("outputs");
        for (int r = 0; r < inputs.size(); r++) {
            float[] x = toFloats((List<?>) inputs.get(r));
            float[] y = model.network().predict(x);
            float[] want = toFloats((List<?>) outputs.get(r));
            for (int j = 0; j < want.length; j++) {
                assertThat(y[j]).as("row %d output %d", r, j).isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    @Test
    void rejectsCorruptFilesWithClearMessages() throws IOException {
        Path file = dir.resolve("m.safetensors");
        ModelFile.save(file, network(), info());
        byte[] good = Files.readAllBytes(file);

        assertThatThrownBy(() -> ModelFile.load(write("short", Arrays.copyOf(good, 5))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("shorter than the 8-byte header");
        assertThatThrownBy(() -> ModelFile.load(write("truncated", Arrays.copyOf(good, good.length - 7))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
        byte[] hugeHeader = good.clone();
        ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertThatThrownBy(() -> ModelFile.load(write("huge", hugeHeader))).hasMessageContaining("header length");
        byte[] badJson = good.clone();
        badJson[8] = '[';
        assertThatThrownBy(() -> ModelFile.load(write("json", badJson))).hasMessageContaining("not valid JSON");
        byte[] trailing = Arrays.copyOf(good, good.length + 4);
        assertThatThrownBy(() -> ModelFile.load(write("trailing", trailing))).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> ModelFile.load(dir.resolve("absent.safetensors")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("no model file");
        assertThatThrownBy(() -> ModelFile.load(write("text", "hello, world".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ModelFormatException.class);
    }

    @Test
    void rejectsTensorsWhoseShapeDisagreesWithTheArchitecture() throws IOException {
        Path file = dir.resolve("m.safetensors");
        ModelFile.save(file, network(), info());
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        // Same byte length: claim 5 outputs of 4 inputs where the architecture says 4 of 5.
        String changed = text.replace("\"shape\":[4,5]", "\"shape\":[5,4]");
        assertThat(changed).isNotEqualTo(text);
        assertThatThrownBy(() -> ModelFile.load(write("shape", changed.getBytes(StandardCharsets.ISO_8859_1))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("layers.0.weight has shape [5, 4]")
                .hasMessageContaining("needs [4, 5]");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name + ".safetensors"), bytes);
    }

    private Path copyResource(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
            Path out = dir.resolve(Path.of(name).getFileName());
            Files.copy(in, out);
            return out;
        }
    }

    private String resourceText(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static float[] toFloats(List<?> list) {
        float[] x = new float[list.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((Number) list.get(i)).floatValue();
        }
        return x;
    }
}
