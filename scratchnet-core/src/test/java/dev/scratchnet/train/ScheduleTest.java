package dev.scratchnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void constantStepAndCosineByHand() {
        assertThat(new Schedule.Rate(Schedule.CONSTANT, 0.5f, 30).eta(17)).isEqualTo(0.5f);
        Schedule step = new Schedule(Schedule.Kind.STEP, 10, 0.5f, 10, 7);
        Schedule.Rate rate = new Schedule.Rate(step, 0.8f, 30);
        assertThat(rate.eta(1)).isEqualTo(0.8f);
        assertThat(rate.eta(10)).isEqualTo(0.8f);
        assertThat(rate.eta(11)).isEqualTo(0.4f);
        assertThat(rate.eta(21)).isEqualTo(0.2f);
        Schedule.Rate cosine = new Schedule.Rate(new Schedule(Schedule.Kind.COSINE, 10, 0.5f, 10, 7), 1f, 4);
        assertThat(cosine.eta(1)).isEqualTo(1f); // ½(1 + cos 0)
        assertThat(cosine.eta(3)).isCloseTo(0.5f, offset(1e-7f)); // ½(1 + cos π/2)
        assertThat(cosine.eta(4)).isCloseTo((float) (0.5 * (1 + Math.cos(3 * Math.PI / 4))), offset(1e-7f)).isPositive();
    }

    @Test
    void bookScheduleHalvesAfterPatienceAndStopsAfterTheLastHalving() {
        Schedule.Rate rate = new Schedule.Rate(new Schedule(Schedule.Kind.BOOK, 10, 0.5f, 2, 2), 1f, 100);
        assertThat(rate.afterEpoch(0.90)).isFalse();
        assertThat(rate.afterEpoch(0.95)).isFalse(); // improved
        assertThat(rate.afterEpoch(0.94)).isFalse(); // 1 without improvement
        assertThat(rate.eta(4)).isEqualTo(1f);
        assertThat(rate.afterEpoch(0.95)).isFalse(); // 2 without improvement: halve
        assertThat(rate.eta(5)).isEqualTo(0.5f);
        assertThat(rate.afterEpoch(0.96)).isFalse(); // improved
        assertThat(rate.afterEpoch(0.96)).isFalse();
        assertThat(rate.afterEpoch(0.96)).as("second halving is the last: stop").isTrue();
        assertThat(rate.eta(8)).isEqualTo(0.25f);
    }

    @Test
    void refusesAStepFactorThatWouldMakeEtaZeroOrGrow() {
        assertThatThrownBy(() -> new Schedule(Schedule.Kind.STEP, 10, 0f, 10, 7)).hasMessageContaining("--step-factor");
        assertThatThrownBy(() -> new Schedule(Schedule.Kind.STEP, 10, 1.5f, 10, 7)).hasMessageContaining("--step-factor");
        assertThatThrownBy(() -> Schedule.Kind.parse("linear")).hasMessageContaining("unknown schedule 'linear'");
    }
}
