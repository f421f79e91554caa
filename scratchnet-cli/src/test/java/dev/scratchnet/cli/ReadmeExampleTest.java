package dev.scratchnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles the README's library example exactly as written and runs it. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCompilesRunsAndLearns() throws Exception {
        Mnist.load(); // make sure the cache holds MNIST, as `./scratchnet data fetch` would
        String readme = Files.readString(Path.of("..", "README.md"));
        // the library example: the java block that is a whole program (others are snippets)
        Matcher block = Pattern.compile("```java\\n((?:(?!```).)*?static void main.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("README has a java block with a main method").isTrue();
        Path source = dir.resolve("Example.java");
        Files.writeString(source, block.group(1));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertThat(status).as("javac exit status").isZero();

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            loader.loadClass("Example").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        Matcher accuracy = Pattern.compile("test accuracy (\\d+\\.\\d+)%").matcher(out);
        assertThat(accuracy.find()).as(out).isTrue();
        assertThat(Double.parseDouble(accuracy.group(1))).as("one epoch of [784,100,10]").isGreaterThan(92.0);
        assertThat(List.of(out.split("\\R"))).contains("first test digit: 7, label 7");
    }
}
