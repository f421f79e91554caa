package dev.scratchnet.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.scratchnet.data.Fuzzing;
import dev.scratchnet.nn.Network;

/**
 * Coverage-guided fuzzing of the model-file reader (safetensors header, metadata, architecture, tensors):
 * a model whose every weight is finite and that predicts, or the one-line {@link ModelFormatException}.
 * The committed inputs start from a dense and a conv model file.
 */
class ModelFileFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void loadsOrRefusesWithOneLine(byte[] bytes) {
        ModelFile.Model model;
        try {
            model = ModelFile.fromContents(SafeTensors.parse(bytes, "fuzz.safetensors"), "fuzz.safetensors");
        } catch (ModelFormatException e) {
            Fuzzing.oneLine(e);
            return;
        }
        Network network = model.network();
        for (dev.scratchnet.nn.Parameter p : network.parameters()) {
            for (float v : p.values()) {
                if (!Float.isFinite(v)) {
                    throw new AssertionError("loaded a non-finite weight in " + p.name());
                }
            }
        }
        if (network.inputSize() <= 1 << 16) {
            float[] p = network.predict(new float[network.inputSize()]);
            if (p.length != network.outputSize()) {
                throw new AssertionError(p.length + " outputs");
            }
        }
    }
}
