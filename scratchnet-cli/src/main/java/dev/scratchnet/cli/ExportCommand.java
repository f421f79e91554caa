package dev.scratchnet.cli;

import dev.scratchnet.io.ModelFile;
import dev.scratchnet.onnx.OnnxExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scratchnet export}: a model as an ONNX inference graph for ONNX Runtime and its kin. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a model as ONNX (opset 17): input [N, 784] or [N, 1, 28, 28] in [0, 1], output the output layer's activations (softmax: the probabilities).")
final class ExportCommand implements Callable<Integer> {

    enum Format { onnx }

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model saved by train.")
    Path model;

    @Option(names = "--format", paramLabel = "NAME", defaultValue = "onnx", description = "onnx (default).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The file to write, e.g. model.onnx.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OutputFiles.check("--out", out);
        ModelFile.Model loaded = ModelFile.load(model);
        OnnxExport.write(loaded, ModelFile.metadata(loaded.network(), loaded.info()), out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("Wrote %s (ONNX opset %d, input [N, %s], %s)%n", out, OnnxExport.OPSET,
                loaded.network().architecture().input().toString().replace('x', ','),
                loaded.network().architecture().text());
        return 0;
    }
}
