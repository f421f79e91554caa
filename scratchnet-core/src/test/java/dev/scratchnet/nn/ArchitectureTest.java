package dev.scratchnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an architecture counts from its specs alone, worked by hand. */
class ArchitectureTest {

    @Test
    void trainingFlopsCountEveryProductOfAStep() {
        // 784·100 and 100·10 multiply-adds; the first layer passes no gradient back: 2·(2·78,400 + 3·1,000)
        assertThat(Architecture.parse("784,100,10", Activation.SIGMOID, Activation.SOFTMAX).trainingFlopsPerExample())
                .isEqualTo(2L * (2 * 78_400 + 3 * 1_000));
        // conv 5x5:20 on 1x28x28 -> 20x24x24 (288,000 multiply-adds), pool -> 20x12x12,
        // conv 5x5:40 -> 40x8x8 (2,560·500 = 1,280,000), pool -> 40x4x4, dense 640·100, 100·10
        long multiplyAddsAfterFirst = 1_280_000 + 64_000 + 1_000;
        assertThat(Architecture.parse("1x28x28,conv5x5:20,maxpool2,conv5x5:40,maxpool2,100,10", Activation.RELU,
                Activation.SOFTMAX).trainingFlopsPerExample()).isEqualTo(2L * (2 * 288_000 + 3 * multiplyAddsAfterFirst));
    }
}
