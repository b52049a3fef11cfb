package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.titan.deploy.report.ProcessReport;
import io.titan.deploy.report.Reports;
import io.titan.deploy.report.StatusReport;
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
        cli = new FakeCli(this);
        sh = cli;
        write("titan.yaml", "services: {}\n");
    }

    static final List<String> DEFAULT_RUN = List.of("status", "--config", "titan.yaml",
            "--report", "titan-reports/titan-pm2-status.json", "--junit", "titan-reports/titan-pm2-status-junit.xml",
            "--html", "titan-reports/titan-pm2-status.html", "--html-inline", "titan-reports/titan-pm2-status-email.html");

    @Test
    @SuppressWarnings("unchecked")
    void runsTheCliOnceWhichWritesTheTableJsonJunitAndPageAndReturnsTheProcesses() throws Exception {
        cli.output.put("status", Fixtures.status("online"));

        List<Map<String, Object>> processes = (List<Map<String, Object>>) callStep("titanPm2Status", Map.of());

        // One sh, one CLI call: no plan call for the topology, no PATH probe, no JUnit written in Groovy.
        assertThat(calls("sh")).hasSize(1);
        assertThat(cli.runs).containsExactly(DEFAULT_RUN);
        assertThat(cli.launchers).containsExactly("titan-deploy");
        assertThat(calls("writeFile")).isEmpty();
        assertThat(processes).extracting(p -> p.get("name")).containsExactly("titan-shared", "titan-security",
                "titan-brain", "titan-execution", "titan-console", "legacy-feed");
        assertThat(processes.get(0)).containsEntry("status", "online").containsEntry("pid", 4100)
                .containsEntry("inPm2", true);
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(calls("junit")).containsExactly("{testResults=titan-reports/titan-pm2-status-junit.xml, "
                + "allowEmptyResults=true, skipMarkingBuildUnstable=true}");
        // The page's stylesheet is archived with it; the e-mail copy is left in the workspace only.
        assertThat(calls("archiveArtifacts")).containsExactly("{artifacts=titan-reports/titan-pm2-status.json,"
                + "titan-reports/titan-pm2-status-junit.xml,titan-reports/titan-pm2-status.html,"
                + "titan-reports/titan-report.css, allowEmptyArchive=true, fingerprint=false}");
        assertThat(calls("publishHTML")).singleElement().asString().contains("reportDir=titan-reports",
                "reportFiles=titan-pm2-status.html", "reportName=Titan PM2 status (titan)");
        assertThat(Files.exists(workspace.resolve("titan-reports/titan-pm2-status-email.html"))).isTrue();
    }

    @Test
    void aTopologyServiceNotOnlineMarksTheBuildUnstable() {
        cli.output.put("status", Fixtures.status("errored"));

        callStep("titanPm2Status", Map.of());

        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(calls("unstable")).containsExactly("titanPm2Status: titan: not online: titan-console (errored in PM2)");
    }

    @Test
    void aStoppedAndANeverStartedServiceAreNamedFromTheOneCliCall() {
        cli.output.put("status", Reports.toJsonLine(new StatusReport("titan.yaml", Fixtures.T0, List.of(
                new ProcessReport("titan-shared", true, true, "online", 4100L, 1_000L, 0, 0, 0.1, 1L, null),
                new ProcessReport("titan-brain", true, true, "stopped", 0L, 0L, 2, 0, 0.0, 0L, null),
                ProcessReport.missing("titan-console")))));

        callStep("titanPm2Status", Map.of());

        assertThat(calls("unstable")).containsExactly(
                "titanPm2Status: titan: not online: titan-brain (stopped in PM2 after 2 restarts), titan-console "
                        + "(not in PM2: never started on this target, or deleted)");
        assertThat(calls("sh")).hasSize(1);
        assertThat(callStack()).containsSubsequence("titanPm2Status.sh(", "titanPm2Status.archiveArtifacts(",
                "titanPm2Status.junit(", "titanPm2Status.publishHTML(", "titanPm2Status.unstable(");
    }

    @Test
    void whatIsDownIsWhatEachRowsDownSaysNotWhatTheStepReadsFromPm2sFields() {
        // Rows as the CLI writes them, its verdict in "down": the step judges no PM2 field itself.
        cli.output.put("status", "["
                + "{\"name\":\"titan-shared\",\"inTopology\":true,\"inPm2\":true,\"status\":\"online\",\"pid\":4100,"
                + "\"down\":\"online in PM2 but not the release's version\"},"
                + "{\"name\":\"titan-brain\",\"inTopology\":true,\"inPm2\":true,\"status\":\"stopped\",\"pid\":0,"
                + "\"down\":null},"
                + "{\"name\":\"titan-console\",\"inTopology\":true,\"inPm2\":true,\"status\":\"errored\",\"pid\":0,"
                + "\"down\":\"errored in PM2\"},"
                + "{\"name\":\"titan-console\",\"inTopology\":true,\"inPm2\":true,\"status\":\"errored\",\"pid\":0,"
                + "\"down\":\"errored in PM2\"}]\n");

        callStep("titanPm2Status", Map.of());

        assertThat(calls("unstable")).containsExactly("titanPm2Status: titan: not online: titan-shared (online in PM2 "
                + "but not the release's version), titan-console (errored in PM2)");
    }

    @Test
    void aMissingServiceCountsAsNotOnlineAndFailOnFailureFails() {
        cli.output.put("status", Fixtures.status(null));

        assertThatThrownBy(() -> callStep("titanPm2Status", TitanDeployScenarios.args("failOn", "FAILURE")))
                .hasMessage("titanPm2Status: titan: not online: titan-console (not in PM2: never started on this target, "
                        + "or deleted)");
    }

    @Test
    void failOnNoneOnlyPrints() {
        cli.output.put("status", Fixtures.status("stopped"));

        callStep("titanPm2Status", TitanDeployScenarios.args("failOn", "NONE"));

        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(logText()).contains("titanPm2Status: titan: not online: titan-console (stopped in PM2)");
    }

    @Test
    void passesEveryArgument() throws Exception {
        cli.output.put("status", Fixtures.status("online"));
        write("prod.yaml", "services: {}\n");

        callStep("titanPm2Status", TitanDeployScenarios.args("config", "prod.yaml", "name", "eu", "pm2Home", "/srv/pm2",
                "cli", "/opt/titan/titan-deploy.jar", "reportDir", "r", "junit", "False", "failOn", "UNSTABLE"));

        assertThat(cli.runs).containsExactly(List.of("status", "--config", "prod.yaml", "--report", "r/eu-pm2-status.json",
                "--junit", "r/eu-pm2-status-junit.xml", "--html", "r/eu-pm2-status.html",
                "--html-inline", "r/eu-pm2-status-email.html"));
        assertThat(cli.launchers).containsExactly("java -jar '/opt/titan/titan-deploy.jar'");
        assertThat(cli.environments).singleElement().satisfies(e -> assertThat(e).containsEntry("PM2_HOME", "/srv/pm2"));
        assertThat(calls("junit")).isEmpty();
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("r/eu-pm2-status.json",
                "r/titan-report.css");
    }

    @Test
    void hostShowsThatHostsServicesOnly() throws Exception {
        cli.output.put("status", Fixtures.status("online"));

        callStep("titanPm2Status", TitanDeployScenarios.args("host", "exchange-gw"));

        assertThat(cli.runs).singleElement().satisfies(run -> assertThat(run).containsSubsequence("--host", "exchange-gw"));
    }

    @Test
    void readsArgumentsAsTheOtherStepsDo() throws Exception {
        cli.output.put("status", Fixtures.status("online"));
        write("deploy/prod.yaml", "services: {}\n");

        callStep("titanPm2Status", "deploy/prod.yaml");

        assertThat(cli.runs).singleElement().satisfies(run -> assertThat(run).startsWith("status", "--config",
                "deploy/prod.yaml", "--report", "titan-reports/prod-pm2-status.json"));
        assertThatThrownBy(() -> callStep("titanPm2Status", TitanDeployScenarios.args("junit", "no")))
                .hasMessage("titanPm2Status: 'junit' must be true or false (or the String 'true' or 'false'), "
                        + "got 'no' (String)");
        assertThatThrownBy(() -> callStep("titanPm2Status", TitanDeployScenarios.args("failOn", "unstable")))
                .hasMessage("titanPm2Status: 'failOn' must be 'UNSTABLE' or 'FAILURE' or 'NONE', got 'unstable'");
        assertThat(cli.runs).hasSize(1);
    }

    @Test
    void failsWithTheCliMessageWhenStatusCannotRun() {
        cli.exitCodes.put("status", 2);
        cli.stderr.put("status", "titan-deploy: no topology: pass --config FILE\n");

        assertThatThrownBy(() -> callStep("titanPm2Status", Map.of()))
                .hasMessage("titanPm2Status: no topology: pass --config FILE");
    }

    @Test
    void failsClearlyWhenNoCliCanBeFound() {
        cli.onPath = false;

        assertThatThrownBy(() -> callStep("titanPm2Status", Map.of()))
                .hasMessage("titanPm2Status: cannot run the titan-deploy CLI at titan-deploy (looked up on the agent's "
                        + "PATH) (sh: 1: titan-deploy: not found): pass 'cli' (the launcher or the jar), "
                        + "set TITAN_DEPLOY_CLI on the agent, or put titan-deploy on its PATH");
        assertThat(calls("sh")).hasSize(1);
        assertThat(cli.runs).isEmpty();
    }
}
