package dev.scratchnet.cli;

import dev.scratchnet.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Python peers of {@code scratchnet bench} (bench/peers/, shipped in the jar): how to find their
 * interpreters and run them with a fair environment.
 */
final class Peers {

    /** A peer engine: its script, the interpreter and the environment it runs with. */
    record Peer(String name, String script, List<String> python, Map<String, String> setEnv, List<String> unsetEnv) {
    }

    private final Path dir;

    private Peers(Path dir) {
        this.dir = dir;
    }

    /** Extracts the peer scripts into a temporary folder. */
    static Peers extract() throws IOException {
        Path dir = Files.createTempDirectory("scratchnet-peers");
        dir.toFile().deleteOnExit();
        for (String name : List.of("numpy_mlp.py", "torch_mlp.py")) {
            try (InputStream in = Peers.class.getResourceAsStream("peers/" + name)) {
                if (in == null) {
                    throw new IOException("the jar lacks peers/" + name + "; rebuild with mvn package");
                }
                Path file = dir.resolve(name);
                Files.copy(in, file);
                file.toFile().deleteOnExit();
            }
        }
        return new Peers(dir);
    }

    /** Each peer by name, with what it needs, for the line {@code bench} prints when one is not found. */
    static final Map<String, String> NEEDS = Map.of(
            "numpy", "python3 with numpy on the PATH",
            "torch", "Debian's PyTorch on the OpenMP OpenBLAS: apt-get install python3-torch libopenblas0-openmp");

    /**
     * The peers present on this machine: numpy on the first python3 on the PATH, with OPENBLAS_CORETYPE and
     * OPENBLAS_L2_SIZE removed (they pin an older kernel); PyTorch on Debian's /usr/bin/python3 with the
     * OpenMP OpenBLAS (Debian's torch otherwise runs on the reference BLAS) and the same thread count.
     */
    List<Peer> available(int threads) {
        List<Peer> peers = new ArrayList<>();
        Optional<Path> python = Processes.onPath("python3");
        if (python.isPresent() && works(List.of(python.get().toString(), "-c", "import numpy"), Map.of())) {
            peers.add(new Peer("numpy", "numpy_mlp.py", List.of(python.get().toString()),
                    Map.of("OPENBLAS_NUM_THREADS", String.valueOf(threads)),
                    List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")));
        }
        Path debianPython = Path.of("/usr/bin/python3");
        Path openblasOpenmp = Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp");
        Map<String, String> torchEnv = Map.of("LD_LIBRARY_PATH", openblasOpenmp.toString(),
                "OMP_NUM_THREADS", String.valueOf(threads));
        if (Files.isExecutable(debianPython) && Files.isDirectory(openblasOpenmp)
                && works(List.of(debianPython.toString(), "-c", "import torch"), torchEnv)) {
            peers.add(new Peer("torch", "torch_mlp.py", List.of(debianPython.toString()), torchEnv, List.of()));
        }
        return peers;
    }

    /** Runs a peer and returns the JSON object it printed last. */
    @SuppressWarnings("unchecked")
    Map<String, Object> run(Peer peer, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(peer.python());
        command.add(dir.resolve(peer.script()).toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        peer.unsetEnv().forEach(pb.environment()::remove);
        pb.environment().putAll(peer.setEnv());
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(peer.name() + " peer failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        List<String> lines = output.lines().filter(l -> l.startsWith("{")).toList();
        if (lines.isEmpty()) {
            throw new IOException(peer.name() + " peer printed no result: " + output.strip());
        }
        return (Map<String, Object>) Json.parse(lines.get(lines.size() - 1));
    }

    private static boolean works(List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            Process p = pb.start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
