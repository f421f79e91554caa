package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesAnHtmlReportWithItsPictures() throws Exception {
        Path data = SyntheticDigits.write(dir.resolve("data"), 600, 100, 2);
        Path model = dir.resolve("m.safetensors");
        Path metrics = dir.resolve("m.jsonl");
        Cli train = Cli.run("train", "--data", data.toString(), "--validation", "100", "--layers", "784,16,10",
                "--epochs", "3", "--save", model.toString(), "--metrics", metrics.toString());
        assertThat(train.exit()).as(train.err()).isZero();

        Path out = dir.resolve("report");
        Cli run = Cli.run("report", "--model", model.toString(), "--metrics", metrics.toString(), "--data",
                data.toString(), "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        String html = Files.readString(out.resolve("index.html"));
        for (String picture : List.of("learning-curves.png", "confusion.png", "mistakes.png", "weights.png")) {
            assertThat(html).contains("src=\"" + picture + "\"");
            BufferedImage image = ImageIO.read(out.resolve(picture).toFile());
            assertThat(image).as(picture).isNotNull();
            assertThat(image.getWidth()).isGreaterThan(100);
        }
        assertThat(html).contains("layers 784,16,10", "Test accuracy");
    }

    @Test
    void aBadMetricsFileGetsOneLine() throws Exception {
        Path data = SyntheticDigits.write(dir.resolve("data"), 200, 50, 2);
        Path model = dir.resolve("m.safetensors");
        assertThat(Cli.run("train", "--data", data.toString(), "--validation", "50", "--layers", "784,8,10",
                "--epochs", "1", "--save", model.toString()).exit()).isZero();
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"epoch\": 1}\nnot json\n");
        Cli run = Cli.run("report", "--model", model.toString(), "--metrics", bad.toString(), "--data", data.toString(),
                "--out", dir.resolve("r").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().contains("line 2 is not a metrics line");
        Cli folder = Cli.run("report", "--model", model.toString(), "--metrics", dir.toString(), "--data",
                data.toString(), "--out", dir.resolve("r").toString());
        assertThat(folder.exit()).isEqualTo(1);
        assertThat(folder.errLines()).singleElement().asString()
                .startsWith("scratchnet: error: cannot read metrics file " + dir + " (");
    }
}
