package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * What a user of the CLI (and Jenkins, which runs it) sees of a service that fails at start after
 * printing a secret and bytes that are not text: its last lines under its FAILED console line, in
 * every report and in the events, the secret in none of them.
 */
@Integration
class FailureOutputCliIntegrationTest {

    private static final String SECRET = "tok-Zr81-cli-5e3c";
    private static final String CRASH = "stand-in api: CRASH_ON_START=1, exiting";
    /** NUL, an ANSI colour, markup that closes the HTML block, an XML CDATA end, bytes that are not UTF-8. */
    private static final String HEX = "001b5b33316d3c2f7072653e5d5d3e26fffe0a";
    private static final String SHOWN = "\\x00\\x1b[31m</pre>]]>&\ufffd\ufffd";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private Path config;

    @BeforeEach
    void start() throws IOException {
        sandbox = new Sandbox();
        String yaml = new TopologyYaml(sandbox.pm2Home()).startupTimeout("5s").soak("200ms")
                .service("api", Sandbox.STAND_IN, Sandbox.freePort(), List.of(), Map.of("PRINT_VAR", "API_TOKEN",
                        "API_TOKEN", "${TITAN_OUTPUT_SECRET}", "PRINT_HEX", HEX, "CRASH_ON_START", "1"))
                .service("worker", Sandbox.STAND_IN, Sandbox.freePort(), List.of("api"), Map.of())
                .build();
        config = sandbox.dir().resolve("titan.yaml");
        Files.writeString(config, yaml);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Cli run(String... args) {
        return Cli.run(sandbox.dir(), Map.of("TITAN_OUTPUT_SECRET", SECRET), Duration.ofSeconds(90), args);
    }

    @Test
    void deployShowsTheLastLinesUnderTheFailureInTheConsoleEveryReportAndTheEventsAndTheSecretNowhere()
            throws Exception {
        Path report = sandbox.dir().resolve("out/deploy.json");
        Path junit = sandbox.dir().resolve("out/deploy.xml");
        Path html = sandbox.dir().resolve("out/deploy.html");
        Path events = sandbox.dir().resolve("out/events.ndjson");

        Cli cli = run("deploy", "--config", config.toString(), "--report", report.toString(), "--junit",
                junit.toString(), "--html", html.toString(), "--events", events.toString());

        assertThat(cli.exitCode()).as(cli.stdout() + cli.stderr()).isEqualTo(1);
        List<String> console = cli.stdout().lines().toList();
        int failed = indexOf(console, "api                      FAILED: api exited with code 1");
        assertThat(console.get(failed + 1)).matches("\\[ *[0-9.]+s\\] api +last \\d+ lines of its output \\(UTC\\):");
        List<String> shown = new ArrayList<>();
        for (int i = failed + 2; i < console.size() && console.get(i).startsWith("            "); i++) {
            shown.add(console.get(i));
        }
        assertThat(shown).anySatisfy(line -> assertThat(line).matches(" {12}err \\d\\d:\\d\\d:\\d\\d\\.\\d{3}  \\Q"
                + CRASH + "\\E")).anySatisfy(line -> assertThat(line).endsWith("stand-in api: API_TOKEN=****"));

        JsonNode api = JSON.readTree(report.toFile()).get("services").get(0);
        assertThat(api.get("name").asText()).isEqualTo("api");
        assertThat(api.get("output").findValuesAsText("text")).contains(CRASH, SHOWN, "stand-in api: API_TOKEN=****");
        assertThat(api.get("output").get(0).get("stream").asText()).isIn("out", "err");
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readAllBytes(junit)));
        assertThat(xml.getElementsByTagName("failure").item(0).getTextContent()).contains(CRASH, SHOWN);
        assertThat(xml.getElementsByTagName("system-err").item(0).getTextContent()).contains(CRASH);
        assertThat(Files.readString(html)).contains("<tr class=\"output-row status-failed\">", CRASH,
                "\\x00\\x1b[31m&lt;/pre&gt;]]&gt;&amp;\ufffd\ufffd").doesNotContainPattern("\\sstyle=");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(events)) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).filteredOn(e -> e.get("type").asText().equals("service:output")).singleElement()
                .satisfies(e -> assertThat(e.get("lines").findValuesAsText("text")).contains(CRASH, SHOWN));

        assertSecretNowhere(cli, sandbox.pm2Home().resolve("titan"), report.getParent());
    }

    @Test
    void releaseServiceAnswersWithTheLinesAndTheAbortsReportKeepsThem() throws Exception {
        Path report = sandbox.dir().resolve("out/abort.json");
        assertThat(run("release", "begin", "--config", config.toString(), "--release", "b-1").exitCode()).isZero();

        Cli service = run("release", "service", "api", "--config", config.toString(), "--release", "b-1", "--json");
        Cli abort = run("release", "abort", "--config", config.toString(), "--release", "b-1", "--report",
                report.toString());

        assertThat(service.exitCode()).as(service.stdout() + service.stderr()).isEqualTo(1);
        List<String> out = service.stdout().lines().toList();
        JsonNode answer = JSON.readTree(out.get(out.size() - 1));
        assertThat(answer.get("status").asText()).isEqualTo("failed");
        JsonNode crash = null;
        for (JsonNode line : answer.get("output")) {
            assertThat(line.get("stream").asText()).isIn("out", "err");
            assertThat(java.time.Instant.parse(line.get("time").asText())).isNotNull();
            if (line.get("text").asText().equals(CRASH)) {
                crash = line;
            }
        }
        assertThat(crash).as("the crash line in %s", answer).isNotNull();
        assertThat(crash.get("stream").asText()).isEqualTo("err");
        assertThat(abort.exitCode()).as(abort.stdout() + abort.stderr()).isZero();
        assertThat(JSON.readTree(report.toFile()).get("services").get(0).get("output"))
                .isEqualTo(answer.get("output"));
        assertSecretNowhere(service, sandbox.pm2Home().resolve("titan"), report.getParent());
        assertSecretNowhere(abort);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no line with '" + part + "' in:\n" + String.join("\n", lines));
    }

    /** Not in the CLI's output, nor in any file under {@code dirs} (reports, events, release records). */
    private static void assertSecretNowhere(Cli cli, Path... dirs) throws IOException {
        assertThat(cli.stdout()).doesNotContain(SECRET);
        assertThat(cli.stderr()).doesNotContain(SECRET);
        for (Path dir : dirs) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            assertThat(files).isNotEmpty().allSatisfy(file -> assertThat(new String(Files.readAllBytes(file),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain(SECRET));
        }
    }
}
