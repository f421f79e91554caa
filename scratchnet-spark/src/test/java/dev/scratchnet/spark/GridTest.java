package dev.scratchnet.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridTest {

    private static final Set<String> FLAGS = Set.of("eta", "batch", "layers", "optimizer", "dropout", "monitor");

    private static Grid parse(String... items) {
        return Grid.parse(List.of(items), List.of(1L), FLAGS::contains);
    }

    @Test
    void valuesSplitAtCommasOrAtBarsWhereTheyHoldCommas() {
        Grid grid = parse("eta=0.1,0.5", "layers=784,100,10|784,300,10", "optimizer=sgd|adam");
        assertThat(grid.axes().get("eta")).containsExactly("0.1", "0.5");
        assertThat(grid.axes().get("layers")).containsExactly("784,100,10", "784,300,10");
        assertThat(grid.axes().get("optimizer")).containsExactly("sgd", "adam");
        assertThat(parse("layers=784,30,10").axes().get("layers")).containsExactly("784,30,10");
    }

    @Test
    void runsAreEveryCombinationForEverySeedTheLastKeyFastest() {
        Grid grid = Grid.parse(List.of("eta=0.1,0.5", "batch=10,32"), List.of(1L, 2L), FLAGS::contains);
        List<Grid.Run> runs = grid.runs();
        assertThat(runs).extracting(Grid.Run::name).containsExactly(
                "eta=0.1_batch=10_seed=1", "eta=0.1_batch=10_seed=2", "eta=0.1_batch=32_seed=1",
                "eta=0.1_batch=32_seed=2", "eta=0.5_batch=10_seed=1", "eta=0.5_batch=10_seed=2",
                "eta=0.5_batch=32_seed=1", "eta=0.5_batch=32_seed=2");
        assertThat(runs.get(2).values()).containsEntry("eta", "0.1").containsEntry("batch", "32");
        assertThat(parse("layers=1x28x28,conv5x5:20,maxpool2,10").runs().get(0).name())
                .isEqualTo("layers=1x28x28-conv5x5-20-maxpool2-10_seed=1");
    }

    @Test
    void badItemsGetOneLineNamingTheProblem() {
        assertThatThrownBy(() -> parse("learning-rate=0.1")).hasMessageContaining("unknown key 'learning-rate'")
                .hasMessageContaining("train flags without their dashes");
        assertThatThrownBy(() -> parse("eta=")).hasMessageContaining("--grid eta=: no values");
        assertThatThrownBy(() -> parse("eta=0.1,,0.5")).hasMessageContaining("an empty value");
        assertThatThrownBy(() -> parse("layers=784,30,10|")).hasMessageContaining("an empty value");
        assertThatThrownBy(() -> parse("eta")).hasMessageContaining("expected KEY=V1,V2");
        assertThatThrownBy(() -> parse("seed=1,2")).hasMessageContaining("use --seeds");
        assertThatThrownBy(() -> parse("eta=0.1", "eta=0.5")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> parse("eta=0.1,0.1")).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> parse()).hasMessageContaining("at least one --grid");
        assertThatThrownBy(() -> parse("layers=784,30,10|784;30;10").runs()).hasMessageContaining("share a folder name");
    }
}
