package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scratchnet.data.DatasetStore;
import dev.scratchnet.data.DigitImage;
import dev.scratchnet.data.Splits;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Network;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.train.TrainConfig;
import dev.scratchnet.train.Trainer;
import dev.scratchnet.web.DemoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (Debian's headless Chromium through chromedriver, nothing downloaded) draws a 7 on the
 * page's canvas: the page must show 7, and its 28×28 preview must equal what {@code predict}'s
 * preprocessing makes of the very PNG the page sent. Skipped, with the reason, where Chromium is not installed.
 */
class BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void aSevenDrawnOnTheCanvasIsClassifiedAndPreprocessedLikePredict() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        DatasetStore.Loaded mnist = Mnist.load();
        Random random = new Random(1);
        Network network = Network.builder(784).hidden(128, Activation.RELU).output(10, Activation.SOFTMAX).build(random);
        try (Compute compute = new Compute(2)) {
            new Trainer(network, new TrainConfig(2, 32, 0.1f, Cost.CROSS_ENTROPY), compute)
                    .fit(Splits.of(mnist.training(), mnist.test(), 10_000), random);
        }
        ModelInfo info = new ModelInfo(Map.of("preset", "browser-test"), "mnist", "", ModelInfo.PIXEL_SCALING,
                mnist.spec().classNames(), Double.NaN);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1000,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        try (DemoServer server = new DemoServer(new ModelFile.Model(network, info))) {
            int port = server.start("127.0.0.1", 0);
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                browser.get("http://127.0.0.1:" + port + "/");
                WebElement pad = browser.findElement(By.id("pad"));
                // A 7: a bar across the top, then a stroke down to the lower left (offsets from the canvas centre).
                new Actions(browser).moveToElement(pad, -70, -80).clickAndHold().moveByOffset(70, 0).moveByOffset(70, 0)
                        .moveByOffset(-25, 55).moveByOffset(-25, 55).moveByOffset(-25, 55).moveByOffset(-20, 50)
                        .release().perform();
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
                wait.until(d -> !d.findElement(By.id("digit")).getText().isEmpty());
                Thread.sleep(500); // let the last stroke's prediction land
                wait.until(d -> Boolean.TRUE.equals(((ChromeDriver) d).executeScript("return !pending;")));
                assertThat(browser.findElement(By.id("digit")).getText()).isEqualTo("7");

                String dataUrl = (String) browser.executeScript("return document.getElementById('pad').toDataURL('image/png');");
                float[] expected = DigitImage.fromBytes(Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1)));
                @SuppressWarnings("unchecked")
                List<Long> shown = (List<Long>) browser.executeScript(
                        "const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;"
                                + "const out = []; for (let i = 0; i < 784; i++) { out.push(d[4 * i]); } return out;");
                for (int i = 0; i < 784; i++) {
                    assertThat((double) shown.get(i)).as("preview pixel %d", i).isCloseTo(255.0 * expected[i],
                            org.assertj.core.data.Offset.offset(1.0));
                }
                Path shot = Path.of("target", "browser-test", "drawn-seven.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }
}
