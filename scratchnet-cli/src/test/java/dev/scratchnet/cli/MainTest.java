package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private static List<String> built(String... args) {
        return List.copyOf(Main.commandLineFor(args).getSubcommands().keySet());
    }

    @Test
    void buildsOnlyTheCommandThatRuns() {
        List<String> all = List.copyOf(Main.commandLine().getSubcommands().keySet());
        assertThat(all).hasSize(10).startsWith("train", "evaluate", "predict").endsWith("help");
        for (String name : all) {
            if (!name.equals("help") && !name.equals("serve")) {
                assertThat(built(name, "--help")).as(name).containsExactly(name);
            }
        }
        assertThat(built("serve", "--port", "0")).containsExactly("train", "serve");
    }

    @Test
    void buildsEveryCommandForTheHelpAndForAMistypedName() {
        List<String> all = List.copyOf(Main.commandLine().getSubcommands().keySet());
        assertThat(built()).isEqualTo(all);
        assertThat(built("--help")).isEqualTo(all);
        assertThat(built("help", "train")).isEqualTo(all);
        assertThat(built("trian")).isEqualTo(all);
        assertThat(built("-V", "--help")).isEqualTo(all);
        assertThat(built("--version")).isEmpty();
        assertThat(Cli.run("--version").out()).startsWith("scratchnet ");
    }

    @Test
    void everyCommandPrintsTheVersion() {
        String version = Cli.run("--version").out();
        assertThat(version).contains("kernel: ");
        assertThat(Cli.run("train", "-V").out()).isEqualTo(version);
        assertThat(Cli.run("data", "fetch", "--version").out()).isEqualTo(version);
    }

    @Test
    void keepsFurtherCommandsBesideTheOneThatRuns() {
        @CommandLine.Command(name = "extra")
        final class Extra implements Runnable {
            @Override
            public void run() {
            }
        }
        assertThat(Main.commandLineFor(new String[] {"train"}, new Extra()).getSubcommands().keySet())
                .containsExactly("train", "extra");
    }
}
