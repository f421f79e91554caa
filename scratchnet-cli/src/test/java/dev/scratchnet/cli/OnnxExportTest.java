package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.scratchnet.data.Dataset;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Network;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scratchnet export of a trained MLP and a trained conv net, run in ONNX Runtime on 1,000 MNIST test digits:
 * every probability within 1e-5 of ScratchNet's and every answer the same (digits whose two highest
 * probabilities are within 1e-6 excepted); with Debian's python3-onnx present, onnx.checker passes both.
 */
class OnnxExportTest {

    private static final int DIGITS = 1000;

    @TempDir
    Path dir;

    @Test
    void onnxRuntimeAgreesWithScratchNetOnAnMlpAndAConvNet() throws Exception {
        Dataset test = Mnist.load().test();
        // an MLP, a conv net, and an odd one: pooling first, a strided padded conv, tanh, sigmoid outputs
        List<String> runs = new java.util.ArrayList<>(List.of("784,32,10", "1x28x28,conv5x5:8,maxpool2,conv3x3:8:p1,maxpool2,16,10",
                "1x28x28,maxpool2,conv3x3:4:s2:p1,maxpool2,20,10"));
        if (System.getProperty("onnx.model") != null) { // -Donnx.model=FILE checks a saved model as well
            runs.add(System.getProperty("onnx.model"));
        }
        for (String layers : runs) {
            boolean saved = layers.endsWith(".safetensors");
            Path model = saved ? Path.of(layers) : dir.resolve(layers.length() + ".safetensors");
            Path onnx = dir.resolve(layers.length() + ".onnx");
            if (!saved) {
                boolean odd = layers.startsWith("1x28x28,maxpool2");
                Cli train = Cli.run("train", "--layers", layers, "--activation", odd ? "tanh" : "relu", "--output",
                        odd ? "sigmoid" : "softmax", "--epochs", "1", "--save", model.toString());
                assertThat(train.exit()).as(train.err()).isZero();
            }
            Cli export = Cli.run("export", "--model", model.toString(), "--format", "onnx", "--out", onnx.toString());
            assertThat(export.exit()).as(export.err()).isZero();
            Network network = ModelFile.load(model).network();
            float[][] inputs = new float[DIGITS][];
            for (int i = 0; i < DIGITS; i++) {
                inputs[i] = test.image(i);
            }
            float[][] ours = network.predict(inputs);
            float[][] theirs = runtime(onnx, inputs, network.architecture().input().isFlat()
                    ? new long[] {DIGITS, 784} : new long[] {DIGITS, 1, 28, 28});
            float largest = 0f;
            for (int i = 0; i < DIGITS; i++) {
                for (int k = 0; k < 10; k++) {
                    largest = Math.max(largest, Math.abs(theirs[i][k] - ours[i][k]));
                    assertThat(Math.abs(theirs[i][k] - ours[i][k])).as("%s digit %d class %d", layers, i, k)
                            .isLessThanOrEqualTo(1e-5f);
                }
                float[] sorted = ours[i].clone();
                java.util.Arrays.sort(sorted);
                if (sorted[9] - sorted[8] >= 1e-6f) {
                    assertThat(Network.argmax(theirs[i], 0, 10)).as("%s digit %d", layers, i)
                            .isEqualTo(Network.argmax(ours[i], 0, 10));
                }
            }
            System.out.printf("OnnxExportTest: %s, %d digits in ONNX Runtime, largest probability difference %.3g%n",
                    layers, DIGITS, largest);
            checkerPasses(onnx);
        }
    }

    private static float[][] runtime(Path onnx, float[][] inputs, long[] shape) throws Exception {
        FloatBuffer data = FloatBuffer.allocate(inputs.length * 784);
        for (float[] x : inputs) {
            data.put(x);
        }
        data.flip();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, data, shape);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    /** onnx.checker.check_model with full shape inference, when Debian's python3-onnx is installed. */
    private static void checkerPasses(Path onnx) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python) || new ProcessBuilder(python.toString(), "-c", "import onnx").start().waitFor() != 0) {
            System.out.println("OnnxExportTest: no python3-onnx here, so onnx.checker was not run");
            return;
        }
        Process check = new ProcessBuilder(python.toString(), "-c",
                "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", onnx.toString())
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(out).isZero();
    }
}
