package io.titan.deploy.cli;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code titan-deploy status} against real PM2, as its own process: the topology's services PM2
 * runs, one it stopped, one it never started, and an app the topology does not declare.
 *
 * <pre>
 *   titan-shared <── titan-brain <── titan-console (stopped after the deploy)
 *        ^──────── titan-extra (added to the topology later; never started)
 * </pre>
 */
@Integration
class StatusCommandIntegrationTest {

    private static final String SECRET = "status-s3cr3t-" + System.nanoTime();

    private Sandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private String topology(boolean withExtra) {
        Path script = sandbox.standInCopy("code");
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak("300ms")
                .service("titan-shared", script, Sandbox.freePort(), List.of(), Map.of("TITAN_TEST_KEY", SECRET))
                .service("titan-brain", script, Sandbox.freePort(), List.of("titan-shared"), Map.of())
                .service("titan-console", script, Sandbox.freePort(), List.of("titan-brain"), Map.of());
        if (withExtra) {
            yaml.service("titan-extra", script, Sandbox.freePort(), List.of("titan-shared"), Map.of());
        }
        return yaml.build();
    }

    @Test
    void junitFailsTheStoppedAndTheNeverStartedServiceSayingWhyAndJsonListsTheMissingOne() throws Exception {
        Topology deployed = sandbox.topology("deployed.yaml", topology(false));
        DeploymentResult result = sandbox.deploy(deployed);
        assertThat(result.success()).as(result.error()).isTrue();
        sandbox.pm2().stop("titan-console");
        List<String> order = sandbox.topology("titan.yaml", topology(true)).graph().plan().order();
        Path dir = sandbox.dir().resolve("reports");

        Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "status", "--config", "titan.yaml", "--json",
                "--report", "reports/pm2-status.json", "--junit", "reports/pm2-status-junit.xml",
                "--html", "reports/pm2-status.html");

        assertThat(cli.exitCode()).as(cli.stderr()).isZero();
        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("pm2-status-junit.xml").toFile());
        assertThat(junit.getDocumentElement().getAttribute("tests")).isEqualTo("4");
        assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo("2");
        assertThat(failures(junit)).containsExactlyInAnyOrder(
                "titan-console: titan-console is stopped in PM2",
                "titan-extra: titan-extra is not in PM2: never started on this target, or deleted");

        // stdout is the JSON line alone; the files' paths went to stderr.
        JsonNode processes = new ObjectMapper().readTree(cli.stdout());
        assertThat(processes.findValuesAsText("name")).as("topology services in deployment order")
                .containsExactlyElementsOf(order);
        JsonNode extra = processes.get(order.indexOf("titan-extra"));
        assertThat(extra.get("inTopology").asBoolean()).isTrue();
        assertThat(extra.get("inPm2").asBoolean()).isFalse();
        assertThat(extra.get("status").asText()).isEqualTo("missing");
        assertThat(extra.get("pid").isNull()).isTrue();
        assertThat(processes.get(order.indexOf("titan-console")).get("status").asText()).isEqualTo("stopped");
        assertThat(new ObjectMapper().readTree(dir.resolve("pm2-status.json").toFile())).isEqualTo(processes);
        assertThat(cli.stderr()).contains("junit: " + dir.resolve("pm2-status-junit.xml"));

        assertThat(dir.resolve("titan-report.css")).exists();
        String html = Files.readString(dir.resolve("pm2-status.html"));
        assertThat(html).contains("2 of 4 topology services not online", "titan-extra", "not in PM2");
        for (String output : List.of(cli.stdout(), cli.stderr(), html, Files.readString(dir.resolve("pm2-status-junit.xml")))) {
            assertThat(output).doesNotContain(SECRET);
        }
    }

    @Test
    void theTableSaysWhichTopologyServicesAreNotOnline() {
        sandbox.topology("titan.yaml", topology(true));

        Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "status", "--config", "titan.yaml");

        assertThat(cli.exitCode()).as(cli.stderr()).isZero();
        assertThat(cli.stdout()).contains("titan-extra              not in PM2")
                .contains("not online: titan-shared is not in PM2: never started on this target, or deleted");
        assertThat(sandbox.pm2().isDaemonRunning()).as("status starts no PM2 daemon").isFalse();
    }

    private static List<String> failures(Document junit) {
        List<String> out = new ArrayList<>();
        NodeList cases = junit.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testcase = (Element) cases.item(i);
            NodeList failure = testcase.getElementsByTagName("failure");
            if (failure.getLength() > 0) {
                out.add(testcase.getAttribute("name") + ": " + ((Element) failure.item(0)).getAttribute("message"));
            }
        }
        return out;
    }
}
