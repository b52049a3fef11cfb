package io.titan.deploy.api;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The README's Java example, taken from the README itself, compiled and run against real PM2. */
@Integration
class ReadmeJavaExampleTest {

    private Sandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void theReadmesJavaExampleCompilesAndDeploysATopology() throws Exception {
        String readme = Files.readString(Sandbox.PROJECT.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("## Java API.*?```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("README.md has a ```java block under '## Java API'").isTrue();
        Path src = Files.createDirectories(sandbox.dir().resolve("example"));
        Files.writeString(src.resolve("DeployTitan.java"), block.group(1));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = javac.run(null, null, errors, "-cp", System.getProperty("java.class.path"), "-d", src.toString(),
                src.resolve("DeployTitan.java").toString());
        assertThat(compiled).as(errors.toString(StandardCharsets.UTF_8)).isZero();

        int port = Sandbox.freePort();
        Path topology = sandbox.dir().resolve("titan.yaml");
        Files.writeString(topology, new TopologyYaml(sandbox.pm2Home())
                .service("titan-shared", Sandbox.STAND_IN, port, List.of(), Map.of()).build());
        String output = runMain(src, topology);

        assertThat(output).contains("titan-shared is up").contains("deployed ").contains("titan-shared online");
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::name).containsExactly("titan-shared");
        assertThat(Sandbox.get(port, "/health")).isPresent();
    }

    private static String runMain(Path classes, Path topology) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ReadmeJavaExampleTest.class.getClassLoader())) {
            Method main = loader.loadClass("DeployTitan").getMethod("main", String[].class);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {topology.toString()});
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
