package dev.scratchnet.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small learnable stand-in for MNIST, written as IDX files: class k is a bright 6×6 square at one of ten
 * places on a 28×28 field, plus faint noise. Lets command-line tests train in a fraction of a second
 * (scratchnet-spark's tests too, through this module's test jar).
 */
public final class SyntheticDigits {

    private SyntheticDigits() {
    }

    public static Path write(Path dir, int train, int test, long seed) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(dir);
        writeSet(dir, "train", train, random);
        writeSet(dir, "t10k", test, random);
        return dir;
    }

    private static void writeSet(Path dir, String prefix, int n, Random random) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(10);
            labels.put((byte) label);
            images.put(image(label, random));
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }

    static byte[] image(int label, Random random) {
        byte[] px = new byte[784];
        for (int p = 0; p < 784; p++) {
            px[p] = (byte) random.nextInt(40);
        }
        int top = 3 + (label / 5) * 12 + random.nextInt(3);
        int left = 2 + (label % 5) * 5;
        for (int y = top; y < top + 6; y++) {
            for (int x = left; x < Math.min(28, left + 6); x++) {
                px[y * 28 + x] = (byte) (200 + random.nextInt(56));
            }
        }
        return px;
    }
}
