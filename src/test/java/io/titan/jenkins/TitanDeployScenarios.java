package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import groovy.lang.GString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.codehaus.groovy.runtime.GStringImpl;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** titanDeploy, run by {@link TitanDeployTest} as plain Groovy and by {@link TitanDeployCpsTest} through groovy-cps. */
abstract class TitanDeployScenarios extends PipelineTestBase {

    /** The call's name by default: the base name of titan.yaml. */
    static final String NAME = "titan";

    FakeCli cli;

    TitanDeployScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeCli();
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

    static String stage(String call, String subject, String result) {
        return call + ": " + subject + "=" + result;
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

        assertThat(cli.runs).containsExactly(List.of("deploy", "--config", "titan.yaml", "--name", NAME,
                "--strategy", "parallel", "--report", "titan-reports/titan-deploy.json",
                "--junit", "titan-reports/titan-deploy-junit.xml", "--html", "titan-reports/titan-deploy.html",
                "--html-inline", "titan-reports/titan-deploy-email.html",
                "--history-html", "titan-reports/titan-history.html",
                "--events", "titan-reports/titan-deploy-events.ndjson"));
        assertThat(calls("sh")).hasSize(1);
        assertThat(cli.launchers).containsExactly("titan-deploy");
        assertThat(stages()).containsExactly(stage(NAME, "titan-shared", "SUCCESS"),
                stage(NAME, "titan-security", "SUCCESS"), stage(NAME, "titan-brain", "SUCCESS"),
                stage(NAME, "titan-execution", "SUCCESS"), stage(NAME, "titan-console", "SUCCESS"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(result).containsEntry("success", true).containsEntry("releaseId", Fixtures.RELEASE)
                .containsEntry("rolledBack", false).containsEntry("error", null).containsEntry("name", NAME);
        assertThat(result.get("services")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(5).first()
                .isEqualTo(Map.of("name", "titan-shared", "status", "deployed", "durationMs", 1200,
                        "message", "healthy"));
        assertThat(currentBuild.get("description"))
                .isEqualTo(NAME + ": release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged");
        // Both pages are archived with their stylesheet; the single-file e-mail copy stays in the workspace.
        assertThat(calls("archiveArtifacts")).containsExactly("{artifacts=titan-reports/titan-deploy.json,"
                + "titan-reports/titan-deploy-junit.xml,titan-reports/titan-deploy.html,titan-reports/titan-history.html,"
                + "titan-reports/titan-report.css,titan-reports/titan-deploy-events.ndjson, "
                + "allowEmptyArchive=true, fingerprint=false}");
        assertThat(calls("junit")).containsExactly("{testResults=titan-reports/titan-deploy-junit.xml, "
                + "allowEmptyResults=true, skipMarkingBuildUnstable=true}");
        assertThat(calls("publishHTML")).satisfiesExactly(
                deploy -> assertThat(deploy).contains("reportDir=titan-reports", "reportFiles=titan-deploy.html",
                        "reportName=Titan deploy (titan)", "keepAll=true"),
                history -> assertThat(history).contains("reportDir=titan-reports", "reportFiles=titan-history.html",
                        "reportName=Titan releases (titan)", "alwaysLinkToLastBuild=true"));
        assertThat(workspace.resolve("titan-reports/titan-deploy-email.html")).exists();
        assertThat(logText()).doesNotContain("ERROR").doesNotContain("WARNING");
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
        assertThat(result).containsEntry("dryRun", true).containsEntry("name", NAME);
        assertThat(result.get("services")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
        assertThat(stages()).containsExactly(stage(NAME, "plan", "SUCCESS"));
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
                "{titan: titan-execution=groovy.lang.Closure, titan: titan-console=groovy.lang.Closure}");
        assertThat(calls("stage")).containsExactly("titan: titan-shared, groovy.lang.Closure",
                "titan: titan-security, groovy.lang.Closure", "titan: titan-brain, groovy.lang.Closure",
                "titan: titan-execution, groovy.lang.Closure", "titan: titan-console, groovy.lang.Closure");
        // Each stage's log holds its own service's events, and the step's last word on it.
        assertThat(logText()).contains("service:deploying titan-brain", "titan-brain deployed in 1.5 s: healthy",
                "titan-console unchanged: same definition");
        String stack = callStack();
        assertThat(stack).containsSubsequence("titanDeploy.stage(titan: titan-brain, groovy.lang.Closure)",
                "titanDeploy.echo(titan-brain deployed in 1.5 s: healthy)");
    }

    @Test
    void passesEveryArgumentToTheCli() throws Exception {
        cannedSuccess();
        write("deploy/prod.yaml", "services: {}\n");

        callStep("titanDeploy", args("config", "deploy/prod.yaml", "name", "prod-a", "only",
                List.of("titan-brain", "titan-console"), "strategy", "sequential", "rollback", false,
                "validate", false, "pm2Home", "/srv/pm2", "cli", "/opt/titan/titan-deploy.jar",
                "reportDir", "out/reports", "junit", false, "waitLock", "5m"));

        assertThat(cli.runs).containsExactly(List.of("deploy", "--config", "deploy/prod.yaml", "--name", "prod-a",
                "--strategy", "sequential", "--report", "out/reports/prod-a-deploy.json",
                "--junit", "out/reports/prod-a-deploy-junit.xml", "--html", "out/reports/prod-a-deploy.html",
                "--html-inline", "out/reports/prod-a-deploy-email.html",
                "--history-html", "out/reports/prod-a-history.html",
                "--events", "out/reports/prod-a-deploy-events.ndjson", "--only", "titan-brain,titan-console",
                "--no-rollback", "--no-validate", "--wait-lock", "5m"));
        assertThat(cli.launchers).containsExactly("java -jar '/opt/titan/titan-deploy.jar'");
        assertThat(cli.environments.get(0)).containsEntry("PM2_HOME", "/srv/pm2");
        assertThat(env).doesNotContainKey("PM2_HOME");
        assertThat(calls("junit")).isEmpty();
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("out/reports/prod-a-deploy.json");
        assertThat(calls("sh")).noneMatch(c -> c.contains("command -v"));
        assertThat(stages()).first().isEqualTo(stage("prod-a", "titan-shared", "SUCCESS"));
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
        // Characters a call name cannot hold become '-'.
        assertThat(cli.runs.get(0)).containsSubsequence("--name", "it-s-rm--rf");
        assertThat(shScripts.get(shScripts.size() - 1)).contains("'it'\"'\"'s $(rm -rf ~).yaml'");
    }

    @Test
    void theFailedServiceIsTheOnlyRedStageAndTheOnlyErrorLine() {
        cannedRollback();

        assertThat(runAsBuild("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: titan: release " + Fixtures.RELEASE + ": titan-brain failed: "
                        + Fixtures.BRAIN_FAILURE + " (rolled back to the previous release)");

        assertThat(stages()).containsExactly(stage(NAME, "titan-shared", "UNSTABLE"),
                stage(NAME, "titan-security", "UNSTABLE"), stage(NAME, "titan-brain", "FAILURE"),
                stage(NAME, "titan-execution", "NOT_BUILT"), stage(NAME, "titan-console", "NOT_BUILT"),
                stage(NAME, "rollback", "SUCCESS"));
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(logText()).contains("service:failed titan-brain reason=" + Fixtures.BRAIN_FAILURE,
                "rollback:started", "service:rolled-back titan-shared action=restored previous definition",
                "rollback: previous release restored");
        // One ERROR line per failure: the culprit's stage, then the step's own. Rolled-back stages warn;
        // skipped ones are marked skipped, as a false `when` does, without an error.
        assertThat(log).filteredOn(l -> l.startsWith("ERROR")).containsExactly(
                "ERROR: titan-brain failed: " + Fixtures.BRAIN_FAILURE,
                "ERROR: titanDeploy: titan: release " + Fixtures.RELEASE + ": titan-brain failed: "
                        + Fixtures.BRAIN_FAILURE + " (rolled back to the previous release)");
        assertThat(log).filteredOn(l -> l.startsWith("WARNING")).containsExactly(
                "WARNING: titan-shared rolled back: it deployed, but its release failed: restored by the rollback",
                "WARNING: titan-security rolled back: it deployed, but its release failed: restored by the rollback");
        assertThat(logText()).contains("titan-execution not deployed (skipped): not started: dependency titan-brain failed");
        assertThat(calls("catchError")).containsExactly(
                "{buildResult=FAILURE, stageResult=FAILURE, catchInterruptions=false}, groovy.lang.Closure");
        assertThat(currentBuild.get("description")).isEqualTo(NAME + ": release " + Fixtures.RELEASE
                + ": FAILED at titan-brain, 2 rolled-back, 2 skipped, previous release restored");
        // The reports are published before the step fails, so the build page shows them.
        assertThat(calls("junit")).hasSize(1);
        assertThat(calls("archiveArtifacts")).hasSize(1);
        assertThat(callStack()).containsSubsequence("stage(titan: titan-brain, groovy.lang.Closure)",
                "error(titan-brain failed: " + Fixtures.BRAIN_FAILURE + ")",
                "stage(titan: rollback, groovy.lang.Closure)", "junit(", "error(titanDeploy: titan: release");
    }

    @Test
    @SuppressWarnings("unchecked")
    void failBuildFalseKeepsTheCulpritRedAndOnlyTheBuildUnstable() {
        cannedRollback();

        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", args("failBuild", false));

        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(stage("titan: titan-brain")).isEqualTo("FAILURE");
        assertThat(stage("titan: titan-shared")).isEqualTo("UNSTABLE");
        assertThat(stage("titan: titan-console")).isEqualTo("NOT_BUILT");
        assertThat(stage("titan: rollback")).isEqualTo("SUCCESS");
        assertThat(calls("catchError")).containsExactly(
                "{buildResult=UNSTABLE, stageResult=FAILURE, catchInterruptions=false}, groovy.lang.Closure");
        assertThat(result).containsEntry("success", false).containsEntry("rolledBack", true)
                .containsEntry("outcome", "rolled-back").containsEntry("error", Fixtures.BRAIN_FAILURE);
        assertThat((List<Map<String, Object>>) result.get("services")).extracting(m -> m.get("status"))
                .containsExactly("rolled-back", "rolled-back", "failed", "skipped", "skipped");
        assertThat(logText()).contains("WARNING: titanDeploy: titan: release " + Fixtures.RELEASE
                + ": titan-brain failed");
    }

    @Test
    void aFailedRollbackFailsTheBuildEvenWithFailBuildFalse() {
        cli.exitCodes.put("deploy", 3);
        cli.output.put("deploy", Fixtures.failedRolledBack(false));
        cli.events.put("deploy", Fixtures.failedEvents());

        callStep("titanDeploy", args("failBuild", false));

        assertThat(stage("titan: rollback")).isEqualTo("FAILURE");
        assertThat(stage("titan: titan-brain")).isEqualTo("FAILURE");
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(currentBuild.get("description")).asString().endsWith("ROLLBACK FAILED");
        assertThat(logText()).contains("ERROR: rollback FAILED: titan-shared did not come back",
                "ROLLBACK FAILED, manual action needed: titan-shared did not come back");
    }

    @Test
    void showsTheValidationThatFollowedTheDeployAsItsOwnNode() {
        cli.output.put("deploy", Fixtures.deployed());
        cli.events.put("deploy", Fixtures.deployedEvents(true));

        callStep("titanDeploy", Map.of());

        assertThat(stages()).hasSize(6).last().isEqualTo(stage(NAME, "validation", "SUCCESS"));
        assertThat(logText()).contains("validation:check name=redis kind=redis");
    }

    @Test
    void aFailedValidationIsARedStageNamingTheChecksThatFailed() {
        cli.output.put("deploy", Fixtures.deployed());
        cli.events.put("deploy", String.join("\n",
                Fixtures.event(6_000, "validation:started", null, "\"checks\":[\"redis\",\"bybit\"]"),
                Fixtures.event(6_010, "validation:check", null, "\"name\":\"redis\",\"kind\":\"redis\","
                        + "\"required\":true,\"success\":false,\"message\":\"connection refused\""),
                Fixtures.event(6_020, "validation:check", null, "\"name\":\"bybit\",\"kind\":\"websocket\","
                        + "\"required\":false,\"success\":false,\"message\":\"no data\""),
                Fixtures.event(6_030, "validation:completed", null, "\"success\":false")) + "\n");

        callStep("titanDeploy", args("failBuild", "false"));

        assertThat(stage("titan: validation")).isEqualTo("FAILURE");
        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(log).contains("ERROR: validation failed: redis (connection refused)");
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
    void aCliThatCannotRunIsNamedWhereItWasLookedFor() {
        cli.onPath = false;

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: cannot run the titan-deploy CLI at titan-deploy (looked up on the agent's "
                        + "PATH) (sh: 1: titan-deploy: not found): pass 'cli' (the launcher or the jar), "
                        + "set TITAN_DEPLOY_CLI on the agent, or put titan-deploy on its PATH");
        assertThat(cli.runs).isEmpty();

        cli.exitCodes.put("deploy", 126);
        cli.stderr.put("deploy", "sh: 1: /opt/titan/bin/titan-deploy: Permission denied\n");
        assertThatThrownBy(() -> callStep("titanDeploy", args("cli", "/opt/titan/bin/titan-deploy")))
                .hasMessageStartingWith("titanDeploy: cannot run the titan-deploy CLI at /opt/titan/bin/titan-deploy "
                        + "(sh: 1: /opt/titan/bin/titan-deploy: Permission denied): pass 'cli'");
    }

    @Test
    void badInputFailsWithTheCliMessage() {
        cli.exitCodes.put("deploy", 2);
        cli.stderr.put("deploy", "titan-deploy: titan.yaml: services.titan-brain.port: must be 1-65535, got 0\n");

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: titan-deploy exited 2 (bad input, nothing was changed) without a report: "
                        + "titan-deploy: titan.yaml: services.titan-brain.port: must be 1-65535, got 0");
        assertThat(stageRuns).isEmpty();
        assertThat(calls("junit")).isEmpty();
    }

    @Test
    void aLockedTargetFailsNamingTheLock() {
        cli.exitCodes.put("deploy", 4);
        cli.stderr.put("deploy", "titan-deploy: another deployment holds the lock (pid=77)\n");

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessageContaining("exited 4 (another deployment holds the target's lock)")
                .hasMessageContaining("holds the lock (pid=77)");
    }

    @Test
    void rejectsUnknownArgumentsAndBadValuesBeforeRunningAnything() throws Exception {
        write("deploy/titan.yaml", "services: {}\n");
        assertThatThrownBy(() -> callStep("titanDeploy", args("confg", "x.yaml")))
                .hasMessageStartingWith("titanDeploy: unknown argument(s) 'confg'; known: config, name, only, strategy");
        assertThatThrownBy(() -> callStep("titanDeploy", args("strategy", "random")))
                .hasMessage("titanDeploy: 'strategy' must be 'parallel' or 'sequential', got 'random'");
        assertThatThrownBy(() -> callStep("titanDeploy", args("config", "missing.yaml")))
                .hasMessage("titanDeploy: 'config' names missing.yaml, which is not in the workspace");
        assertThatThrownBy(() -> callStep("titanDeploy", args("config", "deploy")))
                .hasMessage("titanDeploy: 'config' names deploy, which is a directory: name the topology file in it");
        assertThatThrownBy(() -> callStep("titanDeploy", args("config", "")))
                .hasMessage("titanDeploy: 'config' must name the topology file");
        assertThatThrownBy(() -> callStep("titanDeploy", args("force", "yes")))
                .hasMessage("titanDeploy: 'force' must be true or false (or the String 'true' or 'false'), "
                        + "got 'yes' (String)");
        assertThatThrownBy(() -> callStep("titanDeploy", args("rollback", 0)))
                .hasMessage("titanDeploy: 'rollback' must be true or false (or the String 'true' or 'false'), "
                        + "got 0 (Integer)");
        assertThatThrownBy(() -> callStep("titanDeploy", args("waitLock", 5)))
                .hasMessage("titanDeploy: 'waitLock' must be a String, got 5 (Integer)");
        assertThatThrownBy(() -> callStep("titanDeploy", args("name", "prod a")))
                .hasMessage("titanDeploy: 'name' must be 1 to 64 letters, digits, '.', '_' or '-', starting with "
                        + "a letter or a digit (it names stages and files), got 'prod a'");
        assertThatThrownBy(() -> callStep("titanDeploy", 42))
                .hasMessage("titanDeploy: expected named arguments (config: 'titan.yaml', ...) or the topology file "
                        + "as one String, got 42 (Integer)");
        assertThat(shScripts).isEmpty();
    }

    @Test
    void takesBooleansAsUsersWriteThemFromParametersAndEnv() {
        cannedSuccess();

        callStep("titanDeploy", args("force", "false", "removeOrphans", "FALSE", "rollback", "True",
                "validate", " false ", "junit", "false"));
        callStep("titanDeploy", args("force", "TRUE", "removeOrphans", true, "rollback", null));

        assertThat(cli.runs.get(0)).doesNotContain("--force", "--remove-orphans", "--no-rollback")
                .contains("--no-validate");
        // null is "not given": the default, here rollback: true.
        assertThat(cli.runs.get(1)).contains("--force", "--remove-orphans").doesNotContain("--no-rollback");
        assertThat(calls("junit")).hasSize(1);
    }

    @Test
    void aCallWithoutArgumentsTakesEveryDefault() {
        cannedSuccess();

        InvokerHelper.invokeMethod(loadScript("vars/titanDeploy.groovy"), "call", new Object[0]);

        assertThat(cli.runs).singleElement().satisfies(run -> assertThat(run).startsWith("deploy", "--config",
                "titan.yaml", "--name", NAME, "--strategy", "parallel"));
    }

    @Test
    void aSinglePositionalStringIsTheTopologyFile() throws Exception {
        cannedSuccess();
        write("deploy/prod-b.yml", "services: {}\n");
        GString file = new GStringImpl(new Object[] {"prod-b"}, new String[] {"deploy/", ".yml"});

        callStep("titanDeploy", "deploy/prod-b.yml");
        callStep("titanDeploy", file);

        assertThat(cli.runs).extracting(run -> run.subList(0, 5)).containsExactly(
                List.of("deploy", "--config", "deploy/prod-b.yml", "--name", "prod-b"),
                List.of("deploy", "--config", "deploy/prod-b.yml", "--name", "prod-b-2"));
    }

    @Test
    void everyCallOfABuildHasItsOwnNameStagesFilesSuiteAndDescriptionLine() throws Exception {
        cannedSuccess();
        currentBuild.put("description", "nightly, started by ops");

        callStep("titanDeploy", Map.of());
        callStep("titanDeploy", Map.of());
        callStep("titanDeploy", args("name", "titan"));

        assertThat(cli.runs).extracting(run -> run.get(run.indexOf("--name") + 1))
                .containsExactly("titan", "titan-2", "titan-3");
        assertThat(logText()).contains("titanDeploy: name 'titan' is already used in this build; this call is 'titan-3'");
        assertThat(stages()).filteredOn(s -> s.contains("titan-brain="))
                .containsExactly("titan: titan-brain=SUCCESS", "titan-2: titan-brain=SUCCESS", "titan-3: titan-brain=SUCCESS");
        assertThat(calls("junit")).extracting(c -> c.replaceAll(".*testResults=([^,]+),.*", "$1")).containsExactly(
                "titan-reports/titan-deploy-junit.xml", "titan-reports/titan-2-deploy-junit.xml",
                "titan-reports/titan-3-deploy-junit.xml");
        assertThat(calls("publishHTML")).extracting(c -> c.replaceAll(".*reportName=([^,]+),.*", "$1")).containsExactly(
                "Titan deploy (titan)", "Titan releases (titan)", "Titan deploy (titan-2)", "Titan releases (titan-2)",
                "Titan deploy (titan-3)", "Titan releases (titan-3)");
        assertThat(String.valueOf(currentBuild.get("description"))).isEqualTo(String.join("\n",
                "nightly, started by ops",
                "titan: release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged",
                "titan-2: release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged",
                "titan-3: release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged"));
        assertThat(env.get("TITAN_DEPLOY_CALLS")).isEqualTo("deploy/titan,deploy/titan-2,deploy/titan-3");
    }

    @Test
    void aPipelineWithTwoTargetsInTheirOwnFoldersKeepsEverythingApart() throws Exception {
        Declarative.register(this);
        registerLibrary();
        cannedSuccess();
        write("a/deploy/titan.yaml", "services: {}\n");
        write("b/deploy/titan.yaml", "services: {}\n");

        runScript("src/test/resources/jenkinsfiles/two-targets.jenkinsfile");

        assertThat(buildResult()).as(logText()).isEqualTo("SUCCESS");
        assertThat(workspace.resolve("a/titan-reports/titan-deploy.json")).exists();
        assertThat(workspace.resolve("b/titan-reports/titan-2-deploy.json")).exists();
        assertThat(workspace.resolve("a/titan-reports/titan-3-deploy.json")).exists();
        assertThat(workspace.resolve("titan-reports")).doesNotExist();
        assertThat(cli.runs.get(1)).contains("--force");
        assertThat(stages()).first().isEqualTo("Deploy=SUCCESS");
        assertThat(stages()).hasSize(16);
        assertThat(String.valueOf(currentBuild.get("description")).lines())
                .containsExactly("nightly, started by ops", "titan: release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged",
                        "titan-2: release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged",
                        "titan-3: release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged");
    }

    @Test
    void worksWithoutTheHtmlPublisherPlugin() {
        cannedSuccess();
        unregister("publishHTML", List.of(Map.class));

        callStep("titanDeploy", Map.of());

        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(logText()).contains("titanDeploy: publishHTML is not available (HTML Publisher plugin); "
                + "titan-reports/titan-deploy.html is archived");
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("titan-reports/titan-deploy.html");
    }

    @Test
    void withTheBadgePluginEachReleaseAddsASummaryLineAndARollbackAddsAWarningBadge() {
        register("addSummary", List.of(Map.class), a -> null);
        register("addBadge", List.of(Map.class), a -> null);
        cannedSuccess();
        callStep("titanDeploy", Map.of());
        cannedRollback();

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of())).hasMessageStartingWith("titanDeploy: titan-2: release");

        assertThat(calls("addSummary")).containsExactly(
                "{icon=symbol-checkmark-circle plugin-ionicons-api, text=titan: release " + Fixtures.RELEASE
                        + ": 4 deployed, 1 unchanged}",
                "{icon=symbol-arrow-undo-circle plugin-ionicons-api, text=titan-2: release " + Fixtures.RELEASE
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

        assertThat(currentBuild.get("description")).asString().startsWith("titan: release " + Fixtures.RELEASE + ": FAILED");
        assertThat(logText()).doesNotContainIgnoringCase("badge").doesNotContainIgnoringCase("summary");
        assertThat(buildResult()).isEqualTo("UNSTABLE");
    }

    // An aborted build: the CLI's sh is interrupted (here by the canned CLI; TitanDeployAbortScenarios
    // does it to a real deploy).

    void cannedAbort(String recoverAnswer, int recoverExit) {
        cli.interrupted.add("deploy");
        cli.events.put("deploy", Fixtures.event(0, "deployment:started", null, "\"services\":[]") + "\n");
        cli.output.put("recover", recoverAnswer);
        cli.exitCodes.put("recover", recoverExit);
    }

    @Test
    void anAbortedDeployRunsRecoverAsItsRollbackStagePublishesAndEndsAborted() {
        cannedAbort("{\"recovered\":false,\"release\":\"" + Fixtures.RELEASE + "\",\"status\":\"rolled-back\","
                + "\"message\":\"nothing to recover: release " + Fixtures.RELEASE + " is rolled-back (interrupted)\","
                + "\"exitCode\":0}", 0);

        Throwable end = runAsBuild("titanDeploy", args("pm2Home", "/srv/pm2"));

        assertThat(end).isInstanceOf(FlowInterruptedException.class).hasMessageContaining("during deploy");
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(cli.runs).extracting(run -> run.get(0)).containsExactly("deploy", "recover");
        assertThat(cli.runs.get(1)).containsExactly("recover", "--config", "titan.yaml", "--wait-lock", "5m", "--json");
        assertThat(cli.environments.get(1)).containsEntry("PM2_HOME", "/srv/pm2");
        assertThat(stages()).containsExactly(stage(NAME, "rollback", "SUCCESS"));
        assertThat(logText()).contains("nothing to recover: release " + Fixtures.RELEASE + " is rolled-back",
                "rollback: the previous release is running again (nothing to recover: release ");
        assertThat(log).noneMatch(l -> l.startsWith("ERROR"));
        // What exists is published: the events up to the abort, and what recover said.
        assertThat(calls("archiveArtifacts")).singleElement().asString()
                .contains("titan-reports/titan-deploy-events.ndjson", "titan-reports/titan-recover.json")
                .doesNotContain("titan-deploy.json");
        assertThat(currentBuild.get("description"))
                .isEqualTo("titan: release " + Fixtures.RELEASE + ": ABORTED, previous release restored");
    }

    @Test
    void anAbortWhoseRestoreFailedSaysWhatToRunAndStillEndsAborted() {
        env.put("NODE_NAME", "titan-prod-1");
        cannedAbort("{\"recovered\":true,\"release\":\"" + Fixtures.RELEASE + "\",\"status\":\"rollback-failed\","
                + "\"message\":\"release " + Fixtures.RELEASE + " did not finish and restoring the release before it "
                + "failed: titan-brain did not become healthy\",\"services\":{\"titan-brain\":\"failed\"},"
                + "\"exitCode\":3}", 3);

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).containsExactly(stage(NAME, "rollback", "FAILURE"));
        assertThat(logText()).contains("  titan-brain              failed",
                "ERROR: rollback FAILED (rollback failed, manual action needed): release " + Fixtures.RELEASE
                        + " did not finish and restoring the release before it failed: titan-brain did not become "
                        + "healthy; run `titan-deploy recover --config '" + workspace + "/titan.yaml'` on titan-prod-1");
        assertThat(currentBuild.get("description")).isEqualTo("titan: release " + Fixtures.RELEASE
                + ": ABORTED, PREVIOUS RELEASE NOT CONFIRMED, manual action needed");
    }

    @Test
    void aSecondAbortDuringTheRecoverySaysPlainlyWhatToRunAndWhere() {
        env.put("NODE_NAME", "titan-prod-1");
        cannedAbort(null, 0);
        cli.interrupted.add("recover");

        Throwable end = runAsBuild("titanDeploy", args("pm2Home", "/srv/pm2"));

        assertThat(end).isInstanceOf(FlowInterruptedException.class).hasMessageContaining("during recover");
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).containsExactly(stage(NAME, "rollback", "ABORTED"));
        assertThat(log).filteredOn(l -> l.startsWith("titanDeploy:")).containsExactly("titanDeploy: recovery "
                + "interrupted: run `PM2_HOME='/srv/pm2' titan-deploy recover --config '" + workspace + "/titan.yaml'` "
                + "on titan-prod-1");
        assertThat(log).noneMatch(l -> l.startsWith("ERROR"));
    }

    @Test
    void anAbortWhoseRecoverGivesNoAnswerIsARedRollbackStage() {
        cannedAbort(null, 4);
        cli.stderr.put("recover", "titan-deploy: another deployment holds the lock (pid=4242)\n");

        runAsBuild("titanDeploy", Map.of());

        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).containsExactly(stage(NAME, "rollback", "FAILURE"));
        assertThat(logText()).contains("ERROR: rollback NOT CONFIRMED: titan-deploy recover exited 4 without an "
                + "answer: titan-deploy: another deployment holds the lock (pid=4242); run `titan-deploy recover");
    }
}
