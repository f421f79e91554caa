package dev.scratchnet.cli;

import dev.scratchnet.data.DatasetSource;
import dev.scratchnet.data.DatasetSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Fashion-MNIST from Debian's dataset-fashion-mnist: its installed files, else the package fetched with
 * {@code apt-get download} and unpacked here (a .deb is an ar archive holding data.tar.xz).
 */
final class DebianPackageSource implements DatasetSource {

    static final String PACKAGE = "dataset-fashion-mnist";
    private final Path installed;

    DebianPackageSource(Path installed) {
        this.installed = installed;
    }

    DebianPackageSource() {
        this(Path.of("/usr/share/datasets/fashion-mnist"));
    }

    @Override
    public String describe(DatasetSpec spec) {
        return "Debian package " + PACKAGE + (Files.isDirectory(installed) ? " (installed in " + installed + ")" : "");
    }

    @Override
    public boolean serves(DatasetSpec spec) {
        return spec.name().equals(DatasetSpec.FASHION_MNIST.name());
    }

    @Override
    public boolean supports(DatasetSpec spec) {
        return serves(spec) && (Files.isDirectory(installed) || Processes.onPath("apt-get").isPresent());
    }

    @Override
    public void fetchInto(DatasetSpec spec, Path dir) throws IOException {
        if (Files.isDirectory(installed)) {
            for (DatasetSpec.FileSpec f : spec.files()) {
                Path gz = installed.resolve(f.fileName() + ".gz");
                Files.copy(Files.isRegularFile(gz) ? gz : installed.resolve(f.fileName()),
                        dir.resolve(Files.isRegularFile(gz) ? f.fileName() + ".gz" : f.fileName()));
            }
            return;
        }
        Processes.run(List.of("apt-get", "download", PACKAGE), dir, 600);
        Path deb;
        try (Stream<Path> files = Files.list(dir)) {
            deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new IOException("apt-get download left no .deb file"));
        }
        try {
            unpack(deb, spec, dir);
        } finally {
            Files.deleteIfExists(deb);
        }
    }

    /** Copies the data set's files out of the .deb's data archive into {@code dir}. */
    static void unpack(Path deb, DatasetSpec spec, Path dir) throws IOException {
        try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
            ArArchiveEntry member;
            while ((member = ar.getNextEntry()) != null) {
                String name = member.getName();
                if (name.startsWith("data.tar")) {
                    extractTar(decompress(ar, name), spec, dir);
                    return;
                }
            }
        }
        throw new IOException(deb.getFileName() + " has no data.tar member");
    }

    private static InputStream decompress(InputStream in, String member) throws IOException {
        if (member.endsWith(".xz")) {
            return new XZCompressorInputStream(in);
        }
        if (member.endsWith(".gz")) {
            return new GZIPInputStream(in);
        }
        if (member.equals("data.tar")) {
            return in;
        }
        throw new IOException("unsupported .deb member " + member);
    }

    private static void extractTar(InputStream in, DatasetSpec spec, Path dir) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            String base = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
            boolean wanted = spec.files().stream()
                    .anyMatch(f -> base.equals(f.fileName() + ".gz") || base.equals(f.fileName()));
            if (entry.isFile() && wanted && entry.getName().contains("/fashion-mnist/")) {
                Files.copy(tar, dir.resolve(base), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
