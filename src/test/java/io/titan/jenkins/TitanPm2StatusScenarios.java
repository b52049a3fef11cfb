package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** titanPm2Status, run plain by {@link TitanPm2StatusTest} and through groovy-cps by {@link TitanPm2StatusCpsTest}. */
abstract class TitanPm2StatusScenarios extends PipelineTestBase {

    FakeCli cli;

    TitanPm2StatusScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeCli(workspace);
        sh = cli;
        write("titan.yaml", "services: {}\n");
        cli.output.put("plan", Fixtures.plan());
    }

    @Test
    @SuppressWarnings("unchecked")
    void printsTheTableAndReturnsTheProcesses() throws Exception {
        cli.output.put("status", Fixtures.status("online"));

        List<Map<String, Object>> processes = (List<Map<String, Object>>) callStep("titanPm2Status", Map.of());

        assertThat(cli.runs).containsExactly(List.of("plan", "--config", "titan.yaml", "--json"),
                List.of("status", "--config", "titan.yaml", "--json"));
        assertThat(processes).extracting(p -> p.get("name")).containsExactly("titan-shared", "titan-security",
                "titan-brain", "titan-execution", "titan-console", "legacy-feed");
        assertThat(processes.get(0)).containsEntry("status", "online").containsEntry("pid", 4100);
        assertThat(logText()).contains("NAME                     STATUS", "titan-brain              online");
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(calls("writeFile")).singleElement().asString().contains("file=titan-reports/pm2-status-junit.xml");
        String junit = Files.readString(workspace.resolve("titan-reports/pm2-status-junit.xml"));
        assertThat(junit).contains("tests=\"5\" failures=\"0\"", "<testcase classname=\"titan.pm2\" name=\"titan-brain\">")
                .doesNotContain("legacy-feed");
        assertThat(calls("junit")).containsExactly("{testResults=titan-reports/pm2-status-junit.xml, "
                + "allowEmptyResults=true, skipMarkingBuildUnstable=true}");
        assertThat(calls("archiveArtifacts")).containsExactly("{artifacts=titan-reports/pm2-status.json,"
                + "titan-reports/pm2-status-junit.xml, allowEmptyArchive=true, fingerprint=false}");
    }

    @Test
    void aTopologyServiceNotOnlineMarksTheBuildUnstable() throws Exception {
        cli.output.put("status", Fixtures.status("errored"));

        callStep("titanPm2Status", Map.of());

        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(calls("unstable")).containsExactly("titanPm2Status: not online: titan-console (errored)");
        assertThat(Files.readString(workspace.resolve("titan-reports/pm2-status-junit.xml")))
                .contains("failures=\"1\"", "<failure message=\"titan-console is errored\"/>");
    }

    @Test
    void aMissingServiceCountsAsNotOnlineAndFailOnFailureFails() {
        cli.output.put("status", Fixtures.status(null));

        assertThatThrownBy(() -> callStep("titanPm2Status", TitanDeployScenarios.args("failOn", "FAILURE")))
                .hasMessage("titanPm2Status: not online: titan-console (not in PM2)");
    }

    @Test
    void failOnNoneOnlyPrints() {
        cli.output.put("status", Fixtures.status("stopped"));

        callStep("titanPm2Status", TitanDeployScenarios.args("failOn", "NONE"));

        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(logText()).contains("titanPm2Status: not online: titan-console (stopped)");
    }

    @Test
    void passesEveryArgument() throws Exception {
        cli.output.put("status", Fixtures.status("online"));
        write("prod.yaml", "services: {}\n");

        callStep("titanPm2Status", TitanDeployScenarios.args("config", "prod.yaml", "pm2Home", "/srv/pm2",
                "cli", "/opt/titan/titan-deploy.jar", "reportDir", "r", "junit", false, "failOn", "UNSTABLE"));

        assertThat(cli.runs).containsExactly(List.of("plan", "--config", "prod.yaml", "--json"),
                List.of("status", "--config", "prod.yaml", "--json"));
        assertThat(cli.launchers).containsOnly("java -jar '/opt/titan/titan-deploy.jar'");
        assertThat(cli.environments).allSatisfy(e -> assertThat(e).containsEntry("PM2_HOME", "/srv/pm2"));
        assertThat(calls("junit")).isEmpty();
        assertThat(Files.exists(workspace.resolve("r/pm2-status.json"))).isTrue();
    }

    @Test
    void failsWithTheCliMessageWhenStatusCannotRun() {
        cli.exitCodes.put("plan", 2);
        cli.stderr.put("plan", "titan-deploy: no topology: pass --config FILE\n");

        assertThatThrownBy(() -> callStep("titanPm2Status", Map.of()))
                .hasMessage("titanPm2Status: titan-deploy exited 2 (bad input, nothing was changed) without a report: "
                        + "titan-deploy: no topology: pass --config FILE");
    }

    @Test
    void failsClearlyWhenNoCliCanBeFound() {
        cli.onPath = false;

        assertThatThrownBy(() -> callStep("titanPm2Status", Map.of()))
                .hasMessageStartingWith("titanPm2Status: cannot find the titan-deploy CLI");
    }
}
