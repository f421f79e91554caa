package dev.scratchnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    private static Snapshot snapshot(long steps, float w, float v) {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("layers.0.weight", new float[] {w, -w, 3 * w});
        values.put("layers.0.bias", new float[] {w / 2});
        return new Snapshot(steps, values, Map.of("layers.0.weight", new float[] {v, v, v}), Map.of());
    }

    @Test
    void bytesRoundTripExactly() {
        Snapshot s = snapshot(7, 0.1f, Float.MIN_VALUE);
        Snapshot back = Snapshot.fromBytes(s.toBytes());
        assertThat(back.steps()).isEqualTo(7);
        assertThat(back.values().keySet()).containsExactly("layers.0.weight", "layers.0.bias");
        assertThat(back.values().get("layers.0.weight")).containsExactly(0.1f, -0.1f, 0.3f);
        assertThat(back.first().get("layers.0.weight")).containsExactly(Float.MIN_VALUE, Float.MIN_VALUE, Float.MIN_VALUE);
        assertThat(back.second()).isEmpty();
        assertThat(s.floats()).isEqualTo(7);
    }

    @Test
    void theAverageIsTheMeanOfEveryArraySummedInTheOrderGiven() {
        Snapshot a = snapshot(10, 1f, 2f);
        Snapshot b = snapshot(12, 3f, 6f);
        Snapshot mean = Snapshot.average(List.of(a, b));
        assertThat(mean.steps()).isEqualTo(12);
        assertThat(mean.values().get("layers.0.weight")).containsExactly(2f, -2f, 6f);
        assertThat(mean.values().get("layers.0.bias")).containsExactly(1f);
        assertThat(mean.first().get("layers.0.weight")).containsExactly(4f, 4f, 4f);
        // three values whose float sum depends on the order: (1e8 + 1) - 1e8 = 0 but (1e8 - 1e8) + 1 = 1
        Snapshot big = snapshot(1, 1e8f, 0);
        Snapshot one = snapshot(1, 1f, 0);
        Snapshot minus = snapshot(1, -1e8f, 0);
        assertThat(Snapshot.average(List.of(big, one, minus)).values().get("layers.0.bias")[0]).isEqualTo(0f);
        assertThat(Snapshot.average(List.of(big, minus, one)).values().get("layers.0.bias")[0]).isEqualTo(0.5f / 3);
    }
}
