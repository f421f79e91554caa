package dev.scratchnet.train;

import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The child of {@link CrashSafetyTest}: writes version V of a large model (every weight = V; about 25 MB)
 * and then of a checkpoint, as training does after an epoch, so that the test can kill it anywhere.
 */
public final class CrashWriter {

    static final Architecture ARCHITECTURE = Architecture.of(List.of(784, 2048, 2048, 10), Activation.RELU,
            Activation.SOFTMAX);

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        float version = Float.parseFloat(args[1]);
        Network network = new Network(ARCHITECTURE);
        for (Parameter p : network.parameters()) {
            Arrays.fill(p.values(), version);
        }
        ModelInfo info = new ModelInfo(Map.of(), "mnist", "", ModelInfo.PIXEL_SCALING, List.of(), Double.NaN);
        ModelFile.save(dir.resolve("model.safetensors"), network, info);
        Trainer.State state = new Trainer.State(List.of(), new Optimizer.State(0, Map.of(), Map.of()), new int[] {2, 0, 1},
                new double[0], 0, 0, Map.of());
        Checkpoint.save(dir.resolve("checkpoint.safetensors"), network, info, state, new Random(1));
        System.err.println("done");
    }
}
