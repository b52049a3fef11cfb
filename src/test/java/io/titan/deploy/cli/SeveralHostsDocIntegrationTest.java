package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/several-hosts.md as a reader would follow it: every {@code sh} block, as written and in order,
 * in one bash from the checkout, with {@code bin/titan-deploy} and two simulated hosts (127.0.0.2 and
 * 127.0.0.3, a PM2_HOME each). The {@code text} block after an {@code sh} block is what the page says
 * it prints: each of its lines must come out, in that order, alike but for times, pids, sizes and
 * other numbers.
 */
@Integration
class SeveralHostsDocIntegrationTest {

    private static final Path DOC = Sandbox.PROJECT.resolve("docs/several-hosts.md");
    private static final Pattern FENCE = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);
    private static final String MARK = "##### titan-doc-block ";

    private Sandbox sandbox;

    /** A block of commands and the output the page shows for it (empty when it shows none). */
    private record Step(String commands, List<String> shown) {
    }

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
    }

    @AfterEach
    void stop() throws IOException {
        // The page kills its daemons at its end; a run that stopped half way leaves them to this.
        try (Stream<Path> files = Files.walk(sandbox.dir())) {
            files.filter(p -> p.getFileName().toString().equals("pm2") && Files.isDirectory(p)).toList()
                    .forEach(home -> new Pm2Manager(Pm2Binary.resolve(null), home, LogRotation.disabled()).kill());
        } finally {
            sandbox.close();
        }
    }

    @Test
    void theWalkThroughForTwoHostsRunsAsWrittenAndPrintsWhatItShows() throws Exception {
        List<Step> steps = steps(Files.readString(DOC));
        assertThat(steps).as("sh blocks in " + DOC).hasSizeGreaterThan(5);
        for (int port = 4301; port <= 4303; port++) {
            try (ServerSocket probe = new ServerSocket(port)) {
                assertThat(probe.getLocalPort()).as("the page's ports must be free").isEqualTo(port);
            }
        }
        StringBuilder script = new StringBuilder("set -eo pipefail\n");
        for (int i = 0; i < steps.size(); i++) {
            script.append("echo '").append(MARK).append(i).append("'\n").append(steps.get(i).commands()).append('\n');
        }
        Path output = sandbox.dir().resolve("walk-through.out");
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", script.toString()).directory(Sandbox.PROJECT.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        // mktemp -d makes the page's scratch folder in the sandbox, which the test deletes.
        bash.environment().put("TMPDIR", sandbox.dir().toString());
        Process process = bash.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the walk-through did not end; it printed:\n" + Files.readString(output));
        }
        String printed = Files.readString(output);
        assertThat(process.exitValue()).as("exit code of the walk-through; it printed:\n" + printed).isZero();

        List<List<String>> outputs = split(printed, steps.size());
        for (int i = 0; i < steps.size(); i++) {
            assertShown(steps.get(i), outputs.get(i));
        }
    }

    /** Each {@code sh} block, with the {@code text} block right after it, if any. */
    static List<Step> steps(String markdown) {
        List<String[]> fences = new ArrayList<>();
        Matcher m = FENCE.matcher(markdown);
        while (m.find()) {
            fences.add(new String[] {m.group(1), m.group(2)});
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < fences.size(); i++) {
            if (!fences.get(i)[0].equals("sh")) {
                continue;
            }
            boolean shown = i + 1 < fences.size() && fences.get(i + 1)[0].equals("text");
            steps.add(new Step(fences.get(i)[1], shown ? fences.get(i + 1)[1].lines().filter(l -> !l.isBlank())
                    .toList() : List.of()));
        }
        return steps;
    }

    private static List<List<String>> split(String printed, int blocks) {
        List<List<String>> outputs = new ArrayList<>();
        for (String line : printed.lines().toList()) {
            if (line.startsWith(MARK)) {
                outputs.add(new ArrayList<>());
            } else if (!outputs.isEmpty()) {
                outputs.get(outputs.size() - 1).add(line);
            }
        }
        assertThat(outputs).as("blocks that ran; output:\n" + printed).hasSize(blocks);
        return outputs;
    }

    /** The page's lines come out in its order, each alike once numbers and spacing are set aside. */
    private static void assertShown(Step step, List<String> printed) {
        List<String> actual = printed.stream().map(SeveralHostsDocIntegrationTest::normalized).toList();
        int at = 0;
        for (String line : step.shown()) {
            String wanted = normalized(line);
            while (at < actual.size() && !actual.get(at).equals(wanted)) {
                at++;
            }
            if (at == actual.size()) {
                fail("The page shows\n  " + line + "\nafter\n" + step.commands() + "\nbut that did not come out (in that"
                        + " order). It printed:\n" + String.join("\n", printed));
            }
            at++;
        }
    }

    /**
     * A line with times, durations and other numbers as placeholders and runs of spaces as one. Digits
     * that are part of a name or a quoted value ({@code rel-1}, {@code "version":"1"}) stay: they say
     * which release or version it is.
     */
    static String normalized(String line) {
        return line.replaceAll("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z", "T")
                .replaceAll("(?<![A-Za-z_\"-])\\d+(\\.\\d+)?\\s?(ms|s|m|h)\\b", "D")
                .replaceAll("(?<![A-Za-z_\"-])\\d+(\\.\\d+)?", "N")
                // How many probes failed in a downtime window varies from run to run, and with it whether it is said.
                .replaceAll(" \\(N failed probes?\\)", "")
                .replaceAll("\\s+", " ").strip();
    }
}
