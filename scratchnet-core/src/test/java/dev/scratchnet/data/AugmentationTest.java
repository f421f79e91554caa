package dev.scratchnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scratchnet.tensor.SplitMix64;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int SIDE = 28;

    /** A 6×6 square of ink with its top-left corner at (row, col). */
    private static float[] square(int row, int col) {
        return square(row, col, 6);
    }

    private static float[] square(int row, int col, int size) {
        float[] x = new float[SIDE * SIDE];
        for (int y = row; y < row + size; y++) {
            for (int c = col; c < col + size; c++) {
                x[y * SIDE + c] = 1f;
            }
        }
        return x;
    }

    @Test
    void shiftIsTheImageOrAOnePixelMoveEachEquallyOften() {
        List<float[]> allowed = List.of(square(10, 10), square(9, 10), square(11, 10), square(10, 9), square(10, 11));
        SplitMix64 random = new SplitMix64(3);
        float[] scratch = new float[Augmentation.scratchSize(SIDE)];
        int[] counts = new int[5];
        for (int t = 0; t < 5000; t++) {
            float[] x = square(10, 10);
            Augmentation.SHIFT.apply(x, 0, SIDE, random, scratch);
            int match = -1;
            for (int k = 0; k < 5; k++) {
                if (Arrays.equals(x, allowed.get(k))) {
                    match = k;
                }
            }
            assertThat(match).as("trial %d is one of the five images", t).isNotNegative();
            counts[match]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(850, 1150); // 1000 expected each; 4.7 standard deviations either way
        }
    }

    @Test
    void elasticDistortsAlittleAndKeepsTheDigitInPlace() {
        SplitMix64 random = new SplitMix64(5);
        float[] scratch = new float[Augmentation.scratchSize(SIDE)];
        Set<Integer> distinct = new HashSet<>();
        for (int t = 0; t < 200; t++) {
            float[] x = square(8, 8, 12); // digit-sized: 12×12, centred
            Augmentation.ELASTIC.apply(x, 0, SIDE, random, scratch);
            double mass = 0, my = 0, mx = 0;
            for (int i = 0; i < x.length; i++) {
                assertThat(x[i]).isBetween(0f, 1f);
                mass += x[i];
                my += x[i] * (i / SIDE);
                mx += x[i] * (i % SIDE);
            }
            // Scale 0.9-1.1 and shear change the area by up to ~1.35×; the smooth ±1.5 px field, over 12 px, by
            // up to ~1.25× more: ink stays within [0.55, 1.7] of the original.
            assertThat(mass).as("ink is roughly kept").isBetween(144 * 0.55, 144 * 1.7);
            assertThat(mx / mass).isBetween(13.5 - 3, 13.5 + 3);
            assertThat(my / mass).isBetween(13.5 - 3, 13.5 + 3);
            distinct.add(Arrays.hashCode(x));
        }
        assertThat(distinct).as("each draw differs").hasSizeGreaterThan(190);
    }

    @Test
    void theSameSeedGivesTheSameDistortionAndNoneChangesNothing() {
        float[] a = square(8, 12);
        float[] b = square(8, 12);
        float[] scratch = new float[Augmentation.scratchSize(SIDE)];
        Augmentation.ELASTIC.apply(a, 0, SIDE, new SplitMix64(9), scratch);
        Augmentation.ELASTIC.apply(b, 0, SIDE, new SplitMix64(9), scratch);
        assertThat(a).containsExactly(b);
        float[] c = square(8, 12);
        Augmentation.NONE.apply(c, 0, SIDE, new SplitMix64(9), scratch);
        assertThat(c).containsExactly(square(8, 12));
        assertThatThrownBy(() -> Augmentation.parse("rotate")).hasMessageContaining("unknown augmentation 'rotate'");
    }
}
