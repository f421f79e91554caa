package dev.scratchnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the package-info files, by construction: every main source file of every module is
 * read, and each reference to another ScratchNet package (an import or a qualified name) must be one its
 * package may depend on. tensor is at the bottom; nn and data stand on tensor and never on each other; io
 * on nn; train on nn, data and io; web on all of those; onnx (its own module) on nn and io; cli on top of
 * them all; spark (its own module) on cli and the core packages.
 */
class LayeringTest {

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "tensor", Set.of(),
            "nn", Set.of("tensor"),
            "data", Set.of("tensor"),
            "io", Set.of("nn", "tensor"),
            "train", Set.of("nn", "data", "io", "tensor"),
            "web", Set.of("train", "nn", "data", "io", "tensor"),
            "onnx", Set.of("nn", "io", "tensor"),
            "cli", Set.of("web", "onnx", "train", "nn", "data", "io", "tensor"),
            "spark", Set.of("cli", "train", "nn", "data", "io", "tensor"),
            "bench", Set.of("train", "nn", "data", "io", "tensor"));
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.scratchnet\\.([a-z]+)\\b");

    @Test
    void noPackageReachesAboveItsLayer() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> sources = sources();
        for (Path file : sources) {
            String own = file.getParent().getFileName().toString();
            assertThat(ALLOWED).as("the rules name the package of %s", file).containsKey(own);
            List<String> lines = Files.readAllLines(file);
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n);
                if (line.startsWith("package ")) {
                    continue;
                }
                Matcher m = REFERENCE.matcher(line);
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(own) && !ALLOWED.get(own).contains(used)) {
                        violations.add(file.getFileName() + ":" + (n + 1) + " (" + own + ") uses " + used + ": " + line.trim());
                    }
                }
            }
        }
        assertThat(sources).as("main sources found").hasSizeGreaterThan(50);
        assertThat(violations).as("references against the package rules").isEmpty();
    }

    /** Every main Java source of the modules beside this one (the tests run in scratchnet-core). */
    private static List<Path> sources() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of("").toAbsolutePath().getParent())) {
            for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("scratchnet-")).toList()) {
                Path main = module.resolve("src/main/java/dev/scratchnet");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(p -> p.toString().endsWith(".java"))
                                .filter(p -> !p.getFileName().toString().equals("package-info.java"))
                                .forEach(all::add);
                    }
                }
            }
        }
        return all;
    }
}
