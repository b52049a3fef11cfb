package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** titanDeploy, run by {@link TitanDeployTest} as plain Groovy and by {@link TitanDeployCpsTest} through groovy-cps. */
abstract class TitanDeployScenarios extends PipelineTestBase {

    FakeCli cli;

    TitanDeployScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeCli(workspace);
        sh = cli;
        write("titan.yaml", "services: {}\n");
    }

    static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    void cannedSuccess() {
        cli.output.put("deploy", Fixtures.deployed());
        cli.events.put("deploy", Fixtures.deployedEvents(false));
    }

    void cannedRollback() {
        cli.exitCodes.put("deploy", 1);
        cli.output.put("deploy", Fixtures.failedRolledBack(true));
        cli.events.put("deploy", Fixtures.failedEvents());
    }

    @Test
    void deploysWithDefaultsAndShowsOneGreenStagePerService() {
        cannedSuccess();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", Map.of());

        assertThat(cli.runs).containsExactly(List.of("deploy", "--config", "titan.yaml", "--strategy", "parallel",
                "--report", "titan-reports/deploy.json", "--junit", "titan-reports/deploy-junit.xml",
                "--html", "titan-reports/deploy.html", "--html-inline", "titan-reports/deploy-email.html",
                "--history-html", "titan-reports/history.html", "--events", "titan-reports/deploy-events.ndjson"));
        assertThat(calls("sh")).hasSize(1);
        assertThat(cli.launchers).containsExactly("titan-deploy");
        assertThat(stageResults).containsExactly(
                Map.entry("titan-shared", "SUCCESS"), Map.entry("titan-security", "SUCCESS"),
                Map.entry("titan-brain", "SUCCESS"), Map.entry("titan-execution", "SUCCESS"),
                Map.entry("titan-console", "SUCCESS"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(result).containsEntry("success", true).containsEntry("releaseId", Fixtures.RELEASE)
                .containsEntry("rolledBack", false).containsEntry("error", null);
        assertThat(result.get("services")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(5).first()
                .isEqualTo(Map.of("name", "titan-shared", "status", "deployed", "durationMs", 1200,
                        "message", "healthy"));
        assertThat(currentBuild.get("description")).isEqualTo("release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged");
        // Both pages are archived with their stylesheet; the single-file e-mail copy stays in the workspace.
        assertThat(calls("archiveArtifacts")).containsExactly("{artifacts=titan-reports/deploy.json,"
                + "titan-reports/deploy-junit.xml,titan-reports/deploy.html,titan-reports/history.html,"
                + "titan-reports/titan-report.css,titan-reports/deploy-events.ndjson, "
                + "allowEmptyArchive=true, fingerprint=false}");
        assertThat(calls("junit")).containsExactly(
                "{testResults=titan-reports/deploy-junit.xml, allowEmptyResults=true, skipMarkingBuildUnstable=true}");
        assertThat(calls("publishHTML")).satisfiesExactly(
                deploy -> assertThat(deploy).contains("reportDir=titan-reports", "reportFiles=deploy.html",
                        "reportName=Titan deploy", "keepAll=true"),
                history -> assertThat(history).contains("reportDir=titan-reports", "reportFiles=history.html",
                        "reportName=Titan releases", "alwaysLinkToLastBuild=true"));
        assertThat(workspace.resolve("titan-reports/deploy-email.html")).exists();
    }

    @Test
    void dryRunShowsThePlanDiffAndDeploysNothing() {
        cli.output.put("plan", "{\"services\":[{\"name\":\"titan-brain\",\"action\":\"restart\","
                + "\"reasons\":[\"code\",\"env LOG_LEVEL\"]},{\"name\":\"titan-shared\",\"action\":\"unchanged\","
                + "\"reasons\":[]}],\"orphans\":[]}");

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy",
                args("dryRun", true, "force", true));

        assertThat(cli.runs).containsExactly(List.of("plan", "--diff", "--json", "--config", "titan.yaml", "--force"));
        assertThat(result).containsEntry("dryRun", true);
        assertThat(result.get("services")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
        assertThat(stageResults).containsExactly(Map.entry("plan", "SUCCESS"));
        assertThat(String.join("\n", calls("echo"))).contains("titan-brain").contains("restart")
                .contains("code; env LOG_LEVEL");
        assertThat(calls("archiveArtifacts")).isEmpty();
    }

    @Test
    void passesChangeFlagsToTheDeploy() {
        cannedSuccess();

        callStep("titanDeploy", args("force", true, "removeOrphans", true));

        assertThat(cli.runs.get(0)).contains("--force", "--remove-orphans");
    }

    @Test
    void groupsALevelOfSeveralServicesIntoParallelBranchesOfOneStageEach() {
        cannedSuccess();

        callStep("titanDeploy", Map.of());

        assertThat(calls("parallel")).containsExactly(
                "{titan-execution=groovy.lang.Closure, titan-console=groovy.lang.Closure}");
        assertThat(calls("stage")).containsExactly("titan-shared, groovy.lang.Closure",
                "titan-security, groovy.lang.Closure", "titan-brain, groovy.lang.Closure",
                "titan-execution, groovy.lang.Closure", "titan-console, groovy.lang.Closure");
        // Each stage's log holds its own service's events, and the step's last word on it.
        assertThat(logText()).contains("service:deploying titan-brain", "titan-brain deployed in 1.5 s: healthy",
                "titan-console unchanged: same definition");
        String stack = callStack();
        assertThat(stack).containsSubsequence("titanDeploy.stage(titan-brain, groovy.lang.Closure)",
                "titanDeploy.echo(titan-brain deployed in 1.5 s: healthy)");
    }

    @Test
    void passesEveryArgumentToTheCli() throws Exception {
        cannedSuccess();
        write("deploy/prod.yaml", "services: {}\n");

        callStep("titanDeploy", args("config", "deploy/prod.yaml", "only", List.of("titan-brain", "titan-console"),
                "strategy", "sequential", "rollback", false, "validate", false, "pm2Home", "/srv/pm2",
                "cli", "/opt/titan/titan-deploy.jar", "reportDir", "out/reports", "junit", false,
                "waitLock", "5m"));

        assertThat(cli.runs).containsExactly(List.of("deploy", "--config", "deploy/prod.yaml",
                "--strategy", "sequential", "--report", "out/reports/deploy.json",
                "--junit", "out/reports/deploy-junit.xml", "--html", "out/reports/deploy.html",
                "--html-inline", "out/reports/deploy-email.html", "--history-html", "out/reports/history.html",
                "--events", "out/reports/deploy-events.ndjson", "--only", "titan-brain,titan-console",
                "--no-rollback", "--no-validate", "--wait-lock", "5m"));
        assertThat(cli.launchers).containsExactly("java -jar '/opt/titan/titan-deploy.jar'");
        assertThat(cli.environments.get(0)).containsEntry("PM2_HOME", "/srv/pm2");
        assertThat(env).doesNotContainKey("PM2_HOME");
        assertThat(calls("junit")).isEmpty();
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("out/reports/deploy.json");
        assertThat(calls("sh")).noneMatch(c -> c.contains("command -v"));
    }

    @Test
    void acceptsOnlyAsACommaSeparatedString() {
        cannedSuccess();

        callStep("titanDeploy", args("only", "titan-brain, titan-console"));

        assertThat(cli.runs.get(0)).containsSubsequence("--only", "titan-brain,titan-console");
    }

    @Test
    void quotesArgumentsSoNoValueIsShellSyntax() throws Exception {
        cannedSuccess();
        write("it's $(rm -rf ~).yaml", "services: {}\n");

        callStep("titanDeploy", args("config", "it's $(rm -rf ~).yaml"));

        assertThat(cli.runs.get(0)).containsSubsequence("--config", "it's $(rm -rf ~).yaml");
        assertThat(shScripts.get(shScripts.size() - 1)).contains("'it'\"'\"'s $(rm -rf ~).yaml'");
    }

    @Test
    void failedServiceIsARedNodeSkippedOnesAreNotBuiltAndTheRollbackHasItsOwnNode() {
        cannedRollback();

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: release " + Fixtures.RELEASE + ": titan-brain failed: "
                        + Fixtures.BRAIN_FAILURE + " (rolled back to the previous release)");

        assertThat(stageResults).containsExactly(
                Map.entry("titan-shared", "UNSTABLE"), Map.entry("titan-security", "UNSTABLE"),
                Map.entry("titan-brain", "FAILURE"), Map.entry("titan-execution", "NOT_BUILT"),
                Map.entry("titan-console", "NOT_BUILT"), Map.entry("rollback", "SUCCESS"));
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(logText()).contains("service:failed titan-brain reason=" + Fixtures.BRAIN_FAILURE,
                "rollback:started", "service:rolled-back titan-shared action=restored previous definition",
                "rollback: previous release restored");
        assertThat(currentBuild.get("description")).isEqualTo("release " + Fixtures.RELEASE
                + ": FAILED at titan-brain, 2 rolled-back, 2 skipped, previous release restored");
        // The reports are published before the step fails, so the build page shows them.
        assertThat(calls("junit")).hasSize(1);
        assertThat(calls("archiveArtifacts")).hasSize(1);
        assertThat(callStack()).containsSubsequence("stage(titan-brain, groovy.lang.Closure)",
                "catchError({buildResult=FAILURE, stageResult=FAILURE}, groovy.lang.Closure)",
                "error(titan-brain failed: " + Fixtures.BRAIN_FAILURE + ")",
                "stage(titan-execution, groovy.lang.Closure)",
                "catchError({buildResult=SUCCESS, stageResult=NOT_BUILT}, groovy.lang.Closure)",
                "stage(rollback, groovy.lang.Closure)", "junit(", "error(titanDeploy: release");
    }

    @Test
    @SuppressWarnings("unchecked")
    void failBuildFalseMarksTheBuildUnstableAndReturnsTheResult() {
        cannedRollback();

        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", args("failBuild", false));

        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(stageResults).containsEntry("titan-brain", "UNSTABLE").containsEntry("titan-shared", "UNSTABLE")
                .containsEntry("titan-console", "NOT_BUILT").containsEntry("rollback", "SUCCESS");
        assertThat(result).containsEntry("success", false).containsEntry("rolledBack", true)
                .containsEntry("outcome", "rolled-back").containsEntry("error", Fixtures.BRAIN_FAILURE);
        assertThat((List<Map<String, Object>>) result.get("services")).extracting(m -> m.get("status"))
                .containsExactly("rolled-back", "rolled-back", "failed", "skipped", "skipped");
        assertThat(logText()).contains("WARNING: titanDeploy: release " + Fixtures.RELEASE + ": titan-brain failed");
    }

    @Test
    void aFailedRollbackFailsTheBuildEvenWithFailBuildFalse() {
        cli.exitCodes.put("deploy", 3);
        cli.output.put("deploy", Fixtures.failedRolledBack(false));
        cli.events.put("deploy", Fixtures.failedEvents());

        callStep("titanDeploy", args("failBuild", false));

        assertThat(stageResults).containsEntry("rollback", "FAILURE").containsEntry("titan-brain", "UNSTABLE");
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(currentBuild.get("description")).asString().endsWith("ROLLBACK FAILED");
        assertThat(logText()).contains("ROLLBACK FAILED, manual action needed: titan-shared did not come back");
    }

    @Test
    void showsTheValidationThatFollowedTheDeployAsItsOwnNode() {
        cli.output.put("deploy", Fixtures.deployed());
        cli.events.put("deploy", Fixtures.deployedEvents(true));

        callStep("titanDeploy", Map.of());

        assertThat(stageResults).containsEntry("validation", "SUCCESS").hasSize(6);
        assertThat(logText()).contains("validation:check name=redis kind=redis");
    }

    @Test
    void findsTheCliThroughTitanDeployCliInTheAgentEnvironment() {
        cannedSuccess();
        env.put("TITAN_DEPLOY_CLI", "/opt/titan/bin/titan-deploy");

        callStep("titanDeploy", Map.of());

        assertThat(cli.launchers).containsExactly("'/opt/titan/bin/titan-deploy'");
        assertThat(calls("sh")).noneMatch(c -> c.contains("command -v"));
    }

    @Test
    void failsClearlyWhenNoCliCanBeFound() {
        cli.onPath = false;

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: cannot find the titan-deploy CLI: pass 'cli' (the launcher or the jar), "
                        + "set TITAN_DEPLOY_CLI on the agent, or put titan-deploy on its PATH "
                        + "(sh: 1: titan-deploy: not found)");
        assertThat(cli.runs).isEmpty();
    }

    @Test
    void badInputFailsWithTheCliMessage() {
        cli.exitCodes.put("deploy", 2);
        cli.stderr.put("deploy", "titan-deploy: titan.yaml: services.titan-brain.port: must be 1-65535, got 0\n");

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: titan-deploy exited 2 (bad input, nothing was changed) without a report: "
                        + "titan-deploy: titan.yaml: services.titan-brain.port: must be 1-65535, got 0");
        assertThat(stageResults).isEmpty();
        assertThat(calls("junit")).isEmpty();
    }

    @Test
    void aLockedTargetFailsNamingTheLock() {
        cli.exitCodes.put("deploy", 4);
        cli.stderr.put("deploy", "titan-deploy: target locked by release r-1 (pid 77)\n");

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessageContaining("exited 4 (another deployment holds the target's lock)")
                .hasMessageContaining("locked by release r-1");
    }

    @Test
    void rejectsUnknownArgumentsAndBadValuesBeforeRunningAnything() {
        assertThatThrownBy(() -> callStep("titanDeploy", args("confg", "x.yaml")))
                .hasMessageStartingWith("titanDeploy: unknown argument(s) 'confg'; known: config, only, strategy");
        assertThatThrownBy(() -> callStep("titanDeploy", args("strategy", "random")))
                .hasMessage("titanDeploy: 'strategy' must be 'parallel' or 'sequential', got 'random'");
        assertThatThrownBy(() -> callStep("titanDeploy", args("config", "missing.yaml")))
                .hasMessage("titanDeploy: 'config' names missing.yaml, which is not in the workspace");
        assertThat(shScripts).isEmpty();
    }

    @Test
    void worksWithoutTheHtmlPublisherPlugin() {
        cannedSuccess();
        unregister("publishHTML", List.of(Map.class));

        callStep("titanDeploy", Map.of());

        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(logText()).contains("titanDeploy: publishHTML is not available (HTML Publisher plugin); "
                + "titan-reports/deploy.html is archived");
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("titan-reports/deploy.html");
    }

    @Test
    void withTheBadgePluginEachReleaseAddsASummaryLineAndARollbackAddsAWarningBadge() {
        register("addSummary", List.of(Map.class), a -> null);
        register("addBadge", List.of(Map.class), a -> null);
        cannedSuccess();
        callStep("titanDeploy", Map.of());
        cannedRollback();

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of())).hasMessageStartingWith("titanDeploy: release");

        assertThat(calls("addSummary")).containsExactly(
                "{icon=symbol-checkmark-circle plugin-ionicons-api, text=release " + Fixtures.RELEASE
                        + ": 4 deployed, 1 unchanged}",
                "{icon=symbol-arrow-undo-circle plugin-ionicons-api, text=release " + Fixtures.RELEASE
                        + ": FAILED at titan-brain, 2 rolled-back, 2 skipped, previous release restored}");
        assertThat(calls("addBadge")).containsExactly("{icon=symbol-warning plugin-ionicons-api, text=release "
                + Fixtures.RELEASE + " rolled back to the previous release, style=color: var(--warning-color)}");
        // The summary comes after the publishing and before the step fails.
        assertThat(callStack()).containsSubsequence("publishHTML(", "addSummary(", "addBadge(", "error(titanDeploy:");
    }

    @Test
    void withoutTheBadgePluginNothingIsAddedAndNothingIsSaid() {
        cannedRollback();

        callStep("titanDeploy", args("failBuild", false));

        assertThat(currentBuild.get("description")).asString().startsWith("release " + Fixtures.RELEASE + ": FAILED");
        assertThat(logText()).doesNotContainIgnoringCase("badge").doesNotContainIgnoringCase("summary");
        assertThat(buildResult()).isEqualTo("UNSTABLE");
    }
}
