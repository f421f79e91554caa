package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scratchnet.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/peers/torch_load.py loads a conv and a dense model file into PyTorch with json and numpy alone and
 * requires its probabilities on test digits to match {@code scratchnet predict --json} within 1e-5. Runs
 * when Debian's /usr/bin/python3 has torch (python3-torch, on the OpenMP OpenBLAS); skipped, saying so,
 * where it has not.
 */
class TorchLoadTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Map<String, String> ENV = Map.of("LD_LIBRARY_PATH", "/usr/lib/x86_64-linux-gnu/openblas-openmp");

    @TempDir
    Path dir;

    @Test
    void pytorchLoadsOurModelFilesAndAgreesWithPredict() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch")).exit == 0,
                "/usr/bin/python3 has no torch (apt-get install python3-torch)");
        Path data = SyntheticDigits.write(dir.resolve("data"), 300, 60, 3);
        String scratchnet = Path.of(System.getProperty("java.home"), "bin", "java") + " --add-modules=jdk.incubator.vector"
                + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName();
        for (String layers : List.of("1x28x28,conv5x5:4,maxpool2,conv3x3:6:p1,maxpool2,16,10", "784,16,10")) {
            Path model = dir.resolve(layers.length() + ".safetensors");
            Cli train = Cli.run("train", "--data", data.toString(), "--validation", "50", "--layers", layers,
                    "--activation", "relu", "--epochs", "1", "--save", model.toString());
            assertThat(train.exit()).as(train.err()).isZero();
            Result check = run(List.of(PYTHON.toString(), Path.of("..", "bench", "peers", "torch_load.py").toString(),
                    "--model", model.toString(), "--data", data.toString(), "--count", "60", "--scratchnet", scratchnet));
            assertThat(check.exit).as(check.out).isZero();
            Map<?, ?> report = (Map<?, ?>) Json.parse(check.out.strip().lines().reduce((a, b) -> b).orElse("{}"));
            assertThat(((Number) report.get("digits")).intValue()).isEqualTo(60);
            assertThat(((Number) report.get("max_probability_difference")).doubleValue()).isLessThanOrEqualTo(1e-5);
            assertThat(((Number) report.get("answers_that_differ")).intValue()).isZero();
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(ENV);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), out);
    }
}
