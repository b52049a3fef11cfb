package io.titan.deploy.cli;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code plan --diff} against real PM2 says what the next {@code deploy} with the same options
 * does, when that deploy writes its reports into a service's own code folder: the reports are no
 * code to either of them.
 */
@Integration
class PlanDiffAgreesWithDeployIntegrationTest {

    private Sandbox sandbox;
    private Path topology;
    private Path code;

    @BeforeEach
    void start() throws IOException {
        sandbox = new Sandbox();
        Path script = sandbox.standInCopy("shared-code");
        code = script.getParent();
        topology = sandbox.dir().resolve("titan.yaml");
        Files.writeString(topology, new TopologyYaml(sandbox.pm2Home()).soak("200ms")
                .service("titan-shared", script, Sandbox.freePort(), List.of(), Map.of()).build());
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Cli run(String... args) {
        Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(120), args);
        assertThat(cli.exitCode()).as(String.join(" ", args) + "\n" + cli.stdout() + cli.stderr()).isZero();
        return cli;
    }

    /** Every file a deploy writes, placed in the service's code folder. */
    private List<String> outputs() {
        return List.of("--report", code.resolve("report.json").toString(),
                "--junit", code.resolve("junit.xml").toString(),
                "--events", code.resolve("events.ndjson").toString(),
                "--html", code.resolve("pages/report.html").toString(),
                "--html-inline", code.resolve("inline.html").toString(),
                "--history-html", code.resolve("history.html").toString());
    }

    private String[] args(String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of("--config", topology.toString()));
        all.addAll(outputs());
        return all.toArray(String[]::new);
    }

    @Test
    void afterADeployThatWroteItsReportsIntoTheCodeFolderPlanDiffAndTheNextDeploySayUnchanged() throws IOException {
        run(args("deploy"));
        assertThat(code.resolve("report.json")).exists();
        assertThat(code.resolve("pages/report.html")).exists();

        JsonNode diff = new ObjectMapper().readTree(run(args("plan", "--diff", "--json")).stdout().strip());
        assertThat(diff.path("services").get(0).path("name").asText()).isEqualTo("titan-shared");
        assertThat(diff.path("services").get(0).path("action").asText()).as(diff.toString()).isEqualTo("unchanged");

        Cli again = run(args("deploy"));
        assertThat(again.stdout()).containsPattern("titan-shared\\s+unchanged");
    }

    @Test
    void withoutTheSameOutputsTheirFilesAreCodeToPlanDiffAsToADeploy() throws IOException {
        run(args("deploy"));

        Cli diff = run("plan", "--diff", "--config", topology.toString());

        assertThat(diff.stdout()).contains("titan-shared").contains("restart").contains("code");
    }

    @Test
    void outputsWithoutDiffAreRefusedNamingTheOption() {
        Cli plan = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "plan", "--config", topology.toString(),
                "--report", code.resolve("report.json").toString());

        assertThat(plan.exitCode()).isEqualTo(2);
        assertThat(plan.stderr()).contains("--report").contains("--diff");
    }
}
