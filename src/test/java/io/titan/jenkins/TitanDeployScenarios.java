package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import groovy.lang.GString;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.health.Downtime;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.codehaus.groovy.runtime.GStringImpl;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.junit.jupiter.api.Test;

/**
 * titanDeploy on a topology without hosts (one implicit local host, the current node), releases
 * that succeed, and its arguments; run by {@link TitanDeployTest} as plain Groovy and by
 * {@link TitanDeployCpsTest} through groovy-cps. Failures, rollbacks and aborts:
 * {@link TitanDeployFailureScenarios}; several hosts: {@link TitanDeployMultiHostScenarios}.
 *
 * <pre>
 *   titan-shared (L0) -- titan-security (L1) -- titan-brain (L2) --+-- titan-execution (L3)
 *                                                                  +-- titan-console (L3)
 * </pre>
 */
abstract class TitanDeployScenarios extends TitanDeployBase {

    TitanDeployScenarios(boolean cps) {
        super(cps);
    }

    @Test
    void deploysWithDefaultsEachServiceInALiveStageOfItsOwnOnThisNode() {
        release.outcome("titan-console", ServiceStatus.UNCHANGED, 0, "same definition");

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", Map.of());

        List<String> commands = commands();
        assertThat(commands.subList(0, 2)).containsExactly("plan", "release begin @local");
        // A service waited for hands on once healthy; its soak runs beside its dependents (in any order).
        assertThat(commands.subList(2, commands.size() - 2)).containsExactlyInAnyOrder(
                "release service titan-shared @local", "release soak titan-shared @local",
                "release service titan-security @local", "release soak titan-security @local",
                "release service titan-brain @local", "release soak titan-brain @local",
                "release service titan-execution @local", "release service titan-console @local");
        assertThat(commands.subList(commands.size() - 2, commands.size()))
                .containsExactly("validate @local", "release finish @local");
        assertThat(release.starts).as("each service started after its dependencies passed their gates")
                .noneMatch(s -> s.contains(" before "));
        assertThat(cli.runs.get(0)).containsExactly("plan", "--json", "--config", "titan.yaml");
        assertThat(run("release begin @local")).containsExactly("release", "begin", "--config", "titan.yaml",
                "--host", "local", "--release", RELEASE, "--runner", "titan-reports/titan-steps/runner.json");
        assertThat(run("release service titan-brain @local")).containsExactly("release", "service", "titan-brain",
                "--config", "titan.yaml", "--host", "local", "--release", RELEASE, "--until", "healthy", "--json");
        assertThat(run("release soak titan-brain @local")).containsExactly("release", "soak", "titan-brain",
                "--config", "titan.yaml", "--host", "local", "--release", RELEASE, "--json");
        // Nothing waits for a leaf: it soaks in its own stage.
        assertThat(run("release service titan-execution @local")).containsExactly("release", "service",
                "titan-execution", "--config", "titan.yaml", "--host", "local", "--release", RELEASE, "--json");
        assertThat(run("release finish @local")).containsExactly("release", "finish", "--config", "titan.yaml",
                "--host", "local", "--release", RELEASE, "--no-validate", "--name", NAME,
                "--report", "titan-reports/titan-deploy.json", "--junit", "titan-reports/titan-deploy-junit.xml",
                "--html", "titan-reports/titan-deploy.html", "--html-inline", "titan-reports/titan-deploy-email.html",
                "--events", "titan-reports/titan-deploy-events.ndjson", "--history-html", "titan-reports/titan-history.html");
        assertThat(cli.launchers).containsOnly("titan-deploy");
        // A topology without hosts runs on the node the build holds: no node() of its own.
        assertThat(nodes).isEmpty();
        assertThat(stages()).containsExactlyInAnyOrder(stage(NAME, "titan-shared", "SUCCESS"),
                stage(NAME, "titan-shared soak", "SUCCESS"), stage(NAME, "titan-security", "SUCCESS"),
                stage(NAME, "titan-security soak", "SUCCESS"), stage(NAME, "titan-brain", "SUCCESS"),
                stage(NAME, "titan-brain soak", "SUCCESS"), stage(NAME, "titan-execution", "SUCCESS"),
                stage(NAME, "titan-console", "SUCCESS"), stage(NAME, "validation", "SUCCESS"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(result).containsEntry("success", true).containsEntry("releaseId", RELEASE)
                .containsEntry("rolledBack", false).containsEntry("error", null).containsEntry("name", NAME)
                .containsEntry("outcome", "success");
        assertThat(result.get("services")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(5).first()
                .isEqualTo(Map.of("name", "titan-shared", "status", "deployed", "durationMs", 1000,
                        "downtimeMs", 0, "failedProbes", 0, "message", "healthy"));
        assertThat(currentBuild.get("description"))
                .isEqualTo(NAME + ": release " + RELEASE + ": 4 deployed, 1 unchanged");
        // Both pages are archived with their stylesheet; the single-file e-mail copy stays in the workspace.
        assertThat(calls("archiveArtifacts")).containsExactly("{artifacts=titan-reports/titan-deploy.json,"
                + "titan-reports/titan-deploy-junit.xml,titan-reports/titan-deploy.html,titan-reports/titan-history.html,"
                + "titan-reports/titan-report.css,titan-reports/titan-deploy-events.ndjson,"
                + "titan-reports/titan-deploy-validate.json,titan-reports/titan-deploy-validate-events.ndjson, "
                + "allowEmptyArchive=true, fingerprint=false}");
        assertThat(calls("junit")).containsExactly("{testResults=titan-reports/titan-deploy-junit.xml, "
                + "allowEmptyResults=true, skipMarkingBuildUnstable=true}");
        assertThat(calls("publishHTML")).satisfiesExactly(
                deploy -> assertThat(deploy).contains("reportDir=titan-reports", "reportFiles=titan-deploy.html",
                        "reportName=Titan deploy (titan)", "keepAll=true"),
                history -> assertThat(history).contains("reportDir=titan-reports", "reportFiles=titan-history.html",
                        "reportName=Titan releases (titan)", "alwaysLinkToLastBuild=true"));
        // publishHTML copies only the page and its stylesheet: not the e-mail copy, the steps' output, the plan.
        assertThat(published).containsOnly(
                Map.entry("Titan deploy (titan)", List.of("titan-deploy.html", "titan-report.css")),
                Map.entry("Titan releases (titan)", List.of("titan-history.html", "titan-report.css")));
        assertThat(workspace.resolve("titan-reports/titan-deploy-email.html")).exists();
        assertThat(logText()).doesNotContain("ERROR").doesNotContain("WARNING");
        // Every script names its shell: without "#!", Jenkins runs "sh -xe" and traces each command into the log.
        assertThat(shScripts).allMatch(script -> script.startsWith("#!/bin/sh\n"));
    }

    @Test
    void whatTheCliWritesInUtf8ReachesTheLogIntactWhateverTheControllersCharset() {
        release.outcome("titan-brain", ServiceStatus.FAILED, 1, "titan-brain: caf\u00e9 \u2713 never answered");

        runAsBuild("titanDeploy", Map.of());

        assertThat(log).contains("ERROR: titan-brain failed in 1 s: titan-brain: caf\u00e9 \u2713 never answered");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJobWhoseNameNoReleaseIdMayHoldStillReleasesUnderAnIdMadeFromIt() {
        // The fake CLI refuses an id as release begin does: a space would end the first build there.
        env.put("JOB_NAME", "Titan Services/feature x");

        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", Map.of());

        assertThat(result).containsEntry("success", true).containsEntry("releaseId", "Titan-Services-feature-x-42-titan");
        assertThat(run("release begin @local")).containsSubsequence("--release", "Titan-Services-feature-x-42-titan");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMapAndTheStepsLogCarryWhatReplacingEachServiceCostAsTheCliMeasuredIt() {
        release.downtimes.put("titan-brain", new Downtime(Fixtures.at(100), Fixtures.at(220), 6, null));
        release.downtimes.put("titan-console", Downtime.notMeasured(Downtime.NO_HEALTH_CHECK));

        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", Map.of());

        List<Map<String, Object>> services = (List<Map<String, Object>>) result.get("services");
        assertThat(services).filteredOn(s -> s.get("name").equals("titan-brain")).singleElement()
                .satisfies(s -> assertThat(s).containsEntry("downtimeMs", 120).containsEntry("failedProbes", 6));
        assertThat(services).filteredOn(s -> s.get("name").equals("titan-console")).singleElement()
                .satisfies(s -> assertThat(s).containsEntry("downtimeMs", null).containsEntry("failedProbes", null));
        assertThat(services).filteredOn(s -> s.get("name").equals("titan-shared")).singleElement()
                .satisfies(s -> assertThat(s).containsEntry("downtimeMs", 0).containsEntry("failedProbes", 0));
        // The step's log ends with the release's line and each service's line as the CLI worded it.
        assertThat(logText()).containsSubsequence(NAME + ": release " + RELEASE + ": 5 deployed",
                "  titan-shared deployed in 1 s, unavailable 0 ms: healthy",
                "  titan-brain deployed in 1 s, unavailable 120 ms (6 failed probes): healthy",
                "  titan-console deployed in 1 s, downtime: not measured: healthy");
    }

    @Test
    void eachStageLogsItsServicesCliOutputLiveAndEndsWithWhatBecameOfIt() {
        release.outcome("titan-console", ServiceStatus.UNCHANGED, 0, "same definition");

        callStep("titanDeploy", Map.of());

        // The service's own CLI call runs inside its stage: its output is the stage's log, its time the stage's.
        assertThat(callStack()).containsSubsequence("titanDeploy.stage(titan: titan-brain, groovy.lang.Closure)",
                "titanDeploy.sh({script=", "release' 'service' 'titan-brain'",
                "| tee 'titan-reports/titan-steps/titan-brain.out'",
                "titanDeploy.echo(titan-brain healthy in 1 s, unavailable 0 ms)",
                "titanDeploy.stage(titan: titan-brain soak, groovy.lang.Closure)",
                "release' 'soak' 'titan-brain'", "| tee 'titan-reports/titan-steps/titan-brain-soak.out'",
                "titanDeploy.echo(titan-brain deployed in 1 s, unavailable 0 ms: healthy)");
        assertThat(logText()).containsSubsequence(String.format("%-24s starting (level 2)", "titan-brain"),
                "\"name\":\"titan-brain\"", "titan-brain healthy in 1 s, unavailable 0 ms");
        assertThat(logText()).contains("titan-brain deployed in 1 s, unavailable 0 ms: healthy",
                "titan-console unchanged: same definition",
                "validation passed: 6 checks");
    }

    @Test
    void startsEachServiceFromTheBranchOfItsLastDependencyBesideThatOnesSoak() {
        callStep("titanDeploy", Map.of());

        // No branch waits by polling: a service's branch starts the dependents it was the last dependency of.
        assertThat(calls("waitUntil")).isEmpty();
        assertThat(calls("parallel")).containsExactly(
                "{titan: titan-shared soak=groovy.lang.Closure, titan: titan-security=groovy.lang.Closure}",
                "{titan: titan-security soak=groovy.lang.Closure, titan: titan-brain=groovy.lang.Closure}",
                "{titan: titan-brain soak=groovy.lang.Closure, titan: titan-execution=groovy.lang.Closure, "
                        + "titan: titan-console=groovy.lang.Closure}");
    }

    @Test
    void aServiceWithTwoDependenciesStartsOnceTheLastOfThemIsHealthyFromThatOnesBranch() {
        release.services.clear();
        release.service("feed-a", "local", 0).service("feed-b", "local", 0)
                .service("merger", "local", 1, "feed-a", "feed-b");

        callStep("titanDeploy", Map.of());

        assertThat(release.starts).containsExactlyInAnyOrder("feed-a", "feed-b", "merger");
        assertThat(calls("parallel").get(0)).isEqualTo("{titan: feed-a=groovy.lang.Closure, "
                + "titan: feed-b=groovy.lang.Closure}");
        // Started once, by whichever feed became healthy last.
        assertThat(calls("parallel")).filteredOn(p -> p.contains("titan: merger=")).hasSize(1);
        assertThat(stages()).filteredOn(s -> s.startsWith("titan: merger")).containsExactly("titan: merger=SUCCESS");
    }

    @Test
    void aTopologyWithoutAValidationSectionIsNotValidatedAsADeployWouldNot() {
        release.validation = false;

        callStep("titanDeploy", Map.of());

        assertThat(commands()).doesNotContain("validate @local");
        assertThat(stages()).noneMatch(s -> s.contains("validation"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
    }

    @Test
    void theStepsAfterBeginGoThroughTheReleasesRunnerWhenOneStarted() {
        release.runners = true;

        callStep("titanDeploy", Map.of());

        String runner = "'/usr/bin/node' '/opt/titan/bin/titan-deploy-step' '/tmp/titan-deploy-ci/runner-local.sock'";
        // plan and begin start the CLI; every later step goes through the runner, falling back to the CLI.
        assertThat(cli.launchers.subList(0, 2)).containsOnly("titan-deploy");
        assertThat(cli.launchers.subList(2, cli.launchers.size())).containsOnly(runner);
        assertThat(shScripts.subList(2, shScripts.size())).allSatisfy(script -> assertThat(script)
                .contains(runner).contains("if [ $rc -eq 75 ]; then titan-deploy '"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
    }

    @Test
    void aStepWhoseRunnerIsGoneStartsTheCliItself() {
        release.runners = true;
        cli.runnerGone = true;

        callStep("titanDeploy", Map.of());

        assertThat(cli.launchers).containsOnly("titan-deploy");
        assertThat(buildResult()).isEqualTo("SUCCESS");
    }

    @Test
    void sequentialDeploysOneServiceAtATimeWithoutParallel() {
        callStep("titanDeploy", args("strategy", "sequential"));

        assertThat(calls("parallel")).isEmpty();
        assertThat(calls("waitUntil")).isEmpty();
        // Each service soaks in its own stage before the next starts, as the seed's deploy did.
        assertThat(commands()).filteredOn(c -> c.startsWith("release")).containsExactly("release begin @local",
                "release service titan-shared @local", "release service titan-security @local",
                "release service titan-brain @local", "release service titan-execution @local",
                "release service titan-console @local", "release finish @local");
        assertThat(stages()).hasSize(6).allMatch(s -> s.endsWith("=SUCCESS"));
    }

    @Test
    void dryRunShowsEachHostsPlanDiffAndDeploysNothing() {
        cli.output.put("plan", "{\"services\":[{\"name\":\"titan-brain\",\"action\":\"restart\","
                + "\"reasons\":[\"code\",\"env LOG_LEVEL\"]},{\"name\":\"titan-shared\",\"action\":\"unchanged\","
                + "\"reasons\":[]}],\"orphans\":[]}");

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy",
                args("dryRun", true, "force", true));

        assertThat(cli.runs).containsExactly(List.of("plan", "--json", "--config", "titan.yaml"),
                List.of("plan", "--diff", "--json", "--config", "titan.yaml", "--host", "local", "--force"));
        assertThat(result).containsEntry("dryRun", true).containsEntry("name", NAME);
        assertThat(result.get("services")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
        assertThat(stages()).containsExactly(stage(NAME, "plan", "SUCCESS"));
        assertThat(String.join("\n", calls("echo"))).contains("titan-brain").contains("restart")
                .contains("code; env LOG_LEVEL");
        assertThat(calls("archiveArtifacts")).isEmpty();
    }

    @Test
    void passesChangeFlagsToTheBeginOfTheRelease() {
        callStep("titanDeploy", args("force", true, "removeOrphans", true));

        assertThat(run("release begin @local")).contains("--force", "--remove-orphans");
    }

    @Test
    void passesEveryArgumentToTheCli() throws Exception {
        write("deploy/prod.yaml", "services: {}\n");

        callStep("titanDeploy", args("config", "deploy/prod.yaml", "name", "prod-a", "only",
                List.of("titan-brain", "titan-console"), "strategy", "sequential", "rollback", false,
                "validate", false, "pm2Home", "/srv/pm2", "cli", "/opt/titan/titan-deploy.jar",
                "reportDir", "out/reports", "junit", false, "waitLock", "5m"));

        String id = "titan-services-main-42-prod-a";
        assertThat(commands()).containsExactly("plan", "release begin @local", "release service titan-brain @local",
                "release service titan-console @local", "release finish @local");
        assertThat(run("release begin @local")).containsExactly("release", "begin", "--config", "deploy/prod.yaml",
                "--host", "local", "--release", id, "--only", "titan-brain,titan-console", "--wait-lock", "5m",
                "--runner", "out/reports/prod-a-steps/runner.json");
        assertThat(run("release finish @local")).containsExactly("release", "finish", "--config", "deploy/prod.yaml",
                "--host", "local", "--release", id, "--no-validate", "--name", "prod-a",
                "--report", "out/reports/prod-a-deploy.json", "--junit", "out/reports/prod-a-deploy-junit.xml",
                "--html", "out/reports/prod-a-deploy.html", "--html-inline", "out/reports/prod-a-deploy-email.html",
                "--events", "out/reports/prod-a-deploy-events.ndjson", "--history-html", "out/reports/prod-a-history.html");
        assertThat(cli.launchers).containsOnly("java -jar '/opt/titan/titan-deploy.jar'");
        assertThat(cli.environments).allSatisfy(e -> assertThat(e).containsEntry("PM2_HOME", "/srv/pm2"));
        assertThat(env).doesNotContainKey("PM2_HOME");
        assertThat(calls("junit")).isEmpty();
        assertThat(calls("parallel")).isEmpty();
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("out/reports/prod-a-deploy.json");
        assertThat(stages()).containsExactly(stage("prod-a", "titan-brain", "SUCCESS"),
                stage("prod-a", "titan-console", "SUCCESS"));
    }

    @Test
    void acceptsOnlyAsACommaSeparatedStringAndRejectsAServiceTheTopologyLacks() {
        callStep("titanDeploy", args("only", "titan-brain, titan-console"));

        assertThat(run("release begin @local")).containsSubsequence("--only", "titan-brain,titan-console");
        assertThatThrownBy(() -> callStep("titanDeploy", args("only", "titan-brian")))
                .hasMessage("titanDeploy: 'only' names titan-brian, not in the topology (its services: titan-shared, "
                        + "titan-security, titan-brain, titan-execution, titan-console)");
    }

    @Test
    void quotesArgumentsSoNoValueIsShellSyntax() throws Exception {
        write("it's $(rm -rf ~).yaml", "services: {}\n");

        callStep("titanDeploy", args("config", "it's $(rm -rf ~).yaml"));

        assertThat(cli.runs).allSatisfy(run -> assertThat(run).containsSubsequence("--config", "it's $(rm -rf ~).yaml"));
        // Characters a call name cannot hold become '-'; the release is named after it.
        assertThat(run("release finish @local")).containsSubsequence("--name", "it-s-rm--rf")
                .containsSubsequence("--release", "titan-services-main-42-it-s-rm--rf");
        assertThat(shScripts).allMatch(script -> script.contains("'it'\"'\"'s $(rm -rf ~).yaml'"));
    }

    @Test
    void findsTheCliThroughTitanDeployCliInTheAgentEnvironment() {
        env.put("TITAN_DEPLOY_CLI", "/opt/titan/bin/titan-deploy");

        callStep("titanDeploy", Map.of());

        assertThat(cli.launchers).hasSize(12).containsOnly("'/opt/titan/bin/titan-deploy'");
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

        cli.exitCodes.put("plan", 126);
        cli.stderr.put("plan", "sh: 1: /opt/titan/bin/titan-deploy: Permission denied\n");
        assertThatThrownBy(() -> callStep("titanDeploy", args("cli", "/opt/titan/bin/titan-deploy")))
                .hasMessageStartingWith("titanDeploy: cannot run the titan-deploy CLI at /opt/titan/bin/titan-deploy "
                        + "(sh: 1: /opt/titan/bin/titan-deploy: Permission denied): pass 'cli'");
        assertThat(stageRuns).isEmpty();
    }

    @Test
    void badInputFailsWithTheCliMessageBeforeAnyHostIsTouched() {
        cli.exitCodes.put("plan", 2);
        cli.stderr.put("plan", "titan-deploy: titan.yaml: services.titan-brain.port: must be 1-65535, got 0\n");

        assertThatThrownBy(() -> callStep("titanDeploy", Map.of()))
                .hasMessage("titanDeploy: titan.yaml: services.titan-brain.port: must be 1-65535, got 0");
        assertThat(commands()).containsExactly("plan");
        assertThat(stageRuns).isEmpty();
        assertThat(calls("junit")).isEmpty();
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
        // fileExists cannot tell a folder from a file in Jenkins (FilePath.child drops "/."): the CLI says it.
        assertThatThrownBy(() -> callStep("titanDeploy", args("config", "deploy")))
                .hasMessage("titanDeploy: deploy: is a directory, not a topology file: name the topology file in it");
    }

    @Test
    void takesBooleansAsUsersWriteThemFromParametersAndEnv() {
        callStep("titanDeploy", args("force", "false", "removeOrphans", "FALSE", "rollback", "True",
                "validate", " false ", "junit", "false"));
        List<String> first = commands();
        List<String> firstBegin = run("release begin @local");
        cli.runs.clear();
        callStep("titanDeploy", args("force", "TRUE", "removeOrphans", true, "rollback", null));

        assertThat(firstBegin).doesNotContain("--force", "--remove-orphans");
        assertThat(first).doesNotContain("validate @local");
        // null is "not given": the default, here validate: true.
        assertThat(run("release begin @local")).contains("--force", "--remove-orphans");
        assertThat(commands()).contains("validate @local");
        assertThat(calls("junit")).hasSize(1);
    }

    @Test
    void aCallWithoutArgumentsTakesEveryDefault() {
        InvokerHelper.invokeMethod(loadScript("vars/titanDeploy.groovy"), "call", new Object[0]);

        assertThat(cli.runs.get(0)).containsExactly("plan", "--json", "--config", "titan.yaml");
        assertThat(run("release finish @local")).containsSubsequence("--name", NAME);
        assertThat(calls("parallel")).hasSize(3);
    }

    @Test
    void aSinglePositionalStringIsTheTopologyFile() throws Exception {
        write("deploy/prod-b.yml", "services: {}\n");
        GString file = new GStringImpl(new Object[] {"prod-b"}, new String[] {"deploy/", ".yml"});

        callStep("titanDeploy", "deploy/prod-b.yml");
        callStep("titanDeploy", file);

        assertThat(cli.runs).filteredOn(run -> run.get(0).equals("release") && run.get(1).equals("finish"))
                .extracting(run -> run.subList(2, 8)).containsExactly(
                        List.of("--config", "deploy/prod-b.yml", "--host", "local", "--release",
                                "titan-services-main-42-prod-b"),
                        List.of("--config", "deploy/prod-b.yml", "--host", "local", "--release",
                                "titan-services-main-42-prod-b-2"));
    }

    @Test
    void everyCallOfABuildHasItsOwnNameReleaseStagesFilesSuiteAndDescriptionLine() {
        currentBuild.put("description", "nightly, started by ops");

        callStep("titanDeploy", Map.of());
        callStep("titanDeploy", Map.of());
        callStep("titanDeploy", args("name", "titan"));

        assertThat(cli.runs).filteredOn(run -> run.contains("finish")).extracting(run -> run.get(run.indexOf("--name") + 1))
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
                "titan: release titan-services-main-42-titan: 5 deployed",
                "titan-2: release titan-services-main-42-titan-2: 5 deployed",
                "titan-3: release titan-services-main-42-titan-3: 5 deployed"));
        assertThat(env.get("TITAN_DEPLOY_CALLS")).isEqualTo("deploy/titan,deploy/titan-2,deploy/titan-3");
    }

    @Test
    void aPipelineWithTwoTargetsInTheirOwnFoldersKeepsEverythingApart() throws Exception {
        Declarative.register(this);
        registerLibrary();
        write("a/deploy/titan.yaml", "services: {}\n");
        write("b/deploy/titan.yaml", "services: {}\n");

        runScript("src/test/resources/jenkinsfiles/two-targets.jenkinsfile");

        assertThat(buildResult()).as(logText()).isEqualTo("SUCCESS");
        assertThat(workspace.resolve("a/titan-reports/titan-deploy.json")).exists();
        assertThat(workspace.resolve("b/titan-reports/titan-2-deploy.json")).exists();
        assertThat(workspace.resolve("a/titan-reports/titan-3-deploy.json")).exists();
        assertThat(workspace.resolve("titan-reports")).doesNotExist();
        assertThat(cli.runs).filteredOn(run -> run.contains("begin")).extracting(run -> run.contains("--force"))
                .containsExactly(false, true, false);
        // The pipeline's Deploy stage, then each call's five services, three soaks and its validation.
        assertThat(stages()).first().isEqualTo("Deploy=SUCCESS");
        assertThat(stages()).hasSize(28);
        assertThat(String.valueOf(currentBuild.get("description")).lines())
                .containsExactly("nightly, started by ops", "titan: release titan-services-main-42-titan: 5 deployed",
                        "titan-2: release titan-services-main-42-titan-2: 5 deployed",
                        "titan-3: release titan-services-main-42-titan-3: 5 deployed");
    }

    @Test
    void worksWithoutTheHtmlPublisherPlugin() {
        unregister("publishHTML", List.of(Map.class));

        callStep("titanDeploy", Map.of());

        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(logText()).contains("titanDeploy: publishHTML is not available (HTML Publisher plugin); "
                + "titan-reports/titan-deploy.html is archived");
        assertThat(calls("archiveArtifacts")).singleElement().asString().contains("titan-reports/titan-deploy.html");
    }
}
