package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.deploy.ServiceStatus;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * titanDeploy on a topology with two hosts, each with its agent label, and dependencies across them
 * both ways ({@link FakeRelease#twoHosts()}):
 * <pre>
 *   host-a (agent titan-a): titan-shared (L0)               titan-console (L2)
 *                                 ^                                |
 *   host-b (agent titan-b):       +---- titan-brain (L1) <---------+
 *                                            ^
 *                                            +---- titan-execution (L2)
 * </pre>
 * The build runs on the controller's node unless a test says otherwise. Run by
 * {@link TitanDeployMultiHostTest} as plain Groovy and by {@link TitanDeployMultiHostCpsTest} through
 * groovy-cps.
 */
abstract class TitanDeployMultiHostScenarios extends TitanDeployBase {

    TitanDeployMultiHostScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void twoHosts() {
        release = FakeRelease.twoHosts();
        cli.release = release;
        holdNode("built-in", 2);
    }

    /** Each node() step with the first command of each CLI run inside it, in order: which agent ran what. */
    private List<String> shOnNodes() {
        return getHelper().getCallStack().stream()
                .filter(c -> c.getMethodName().equals("node") || c.getMethodName().equals("stage"))
                .map(c -> c.getMethodName() + "(" + c.argsToString().replace(", groovy.lang.Closure", "") + ")")
                .toList();
    }

    @Test
    void eachHostsPartRunsOnItsAgentAndEachServiceStartsOnceItsDependenciesPassedTheirGate() {
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", Map.of());

        // Begin on both hosts; each service once its dependencies on either host passed their gates, each soak
        // beside the services it let start; then each host validates and finishes.
        List<String> commands = commands();
        assertThat(commands.subList(0, 4)).containsExactly("plan", "release begin @host-a", "release begin @host-b",
                "release service titan-shared @host-a");
        assertThat(commands.subList(4, commands.size() - 4)).containsExactlyInAnyOrder(
                "release soak titan-shared @host-a", "release service titan-brain @host-b",
                "release soak titan-brain @host-b", "release service titan-console @host-a",
                "release service titan-execution @host-b");
        assertThat(commands.subList(commands.size() - 4, commands.size() - 2)).containsExactlyInAnyOrder(
                "validate @host-a", "validate @host-b");
        assertThat(commands.subList(commands.size() - 2, commands.size())).containsExactly("release finish @host-a",
                "release finish @host-b");
        // The order dependencies give; the rest runs side by side, in whatever order Jenkins' branches run.
        assertThat(commands).containsSubsequence("release service titan-shared @host-a",
                "release service titan-brain @host-b", "release service titan-console @host-a");
        assertThat(commands).containsSubsequence("release service titan-brain @host-b",
                "release service titan-execution @host-b", "release finish @host-b");
        assertThat(commands).containsSubsequence("release soak titan-brain @host-b", "validate @host-b");
        assertThat(release.starts).noneMatch(s -> s.contains(" before "));
        // Each service's step inside a node() of its host's agent, inside the service's stage.
        assertThat(shOnNodes()).containsSubsequence("stage(titan: titan-shared)", "node(titan-a)");
        assertThat(shOnNodes()).containsSubsequence("stage(titan: titan-brain)", "node(titan-b)");
        assertThat(stages()).containsExactlyInAnyOrder(stage(NAME, "titan-shared", "SUCCESS"),
                stage(NAME, "titan-shared soak", "SUCCESS"), stage(NAME, "titan-brain", "SUCCESS"),
                stage(NAME, "titan-brain soak", "SUCCESS"), stage(NAME, "titan-console", "SUCCESS"),
                stage(NAME, "titan-execution", "SUCCESS"), stage(NAME, "validation (host-a)", "SUCCESS"),
                stage(NAME, "validation (host-b)", "SUCCESS"));
        assertThat(calls("waitUntil")).isEmpty();
        assertThat(calls("parallel")).containsExactly(
                "{titan: titan-shared soak=groovy.lang.Closure, titan: titan-brain=groovy.lang.Closure}",
                "{titan: titan-brain soak=groovy.lang.Closure, titan: titan-console=groovy.lang.Closure, "
                        + "titan: titan-execution=groovy.lang.Closure}",
                "{titan: validation (host-a)=groovy.lang.Closure, titan: validation (host-b)=groovy.lang.Closure}");
        // The topology planned here is the one every agent deploys: stashed once, unstashed once per agent,
        // where its release begins; every later step of the host runs in that same folder.
        assertThat(calls("stash")).containsExactly("{name=titan-deploy-titan, includes=titan.yaml}");
        assertThat(calls("unstash")).containsExactly("titan-deploy-titan", "titan-deploy-titan");
        for (String host : List.of("host-a", "host-b")) {
            assertThat(foldersOf(host)).as(host).hasSize(1);
        }
        // Each host its own reports, suite and pages.
        assertThat(run("release finish @host-b")).containsSubsequence("--name", "titan on host-b", "--report",
                "titan-reports/titan-host-b-deploy.json");
        assertThat(calls("junit")).extracting(c -> c.replaceAll(".*testResults=([^,]+),.*", "$1")).containsExactly(
                "titan-reports/titan-host-a-deploy-junit.xml", "titan-reports/titan-host-b-deploy-junit.xml");
        assertThat(calls("publishHTML")).extracting(c -> c.replaceAll(".*reportName=([^,]+),.*", "$1")).containsExactly(
                "Titan deploy (titan on host-a)", "Titan releases (titan on host-a)", "Titan deploy (titan on host-b)",
                "Titan releases (titan on host-b)");
        assertThat(result).containsEntry("success", true).containsEntry("releaseId", RELEASE);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> services = (List<Map<String, Object>>) result.get("services");
        assertThat(services).extracting(s -> s.get("name"))
                .containsExactly("titan-shared", "titan-brain", "titan-console", "titan-execution");
        assertThat(currentBuild.get("description")).isEqualTo("titan: release " + RELEASE + ": 4 deployed");
    }

    /** The folders the CLI ran in for {@code host}'s release steps. */
    private java.util.Set<java.nio.file.Path> foldersOf(String host) {
        java.util.Set<java.nio.file.Path> folders = new java.util.HashSet<>();
        for (int i = 0; i < cli.runs.size(); i++) {
            List<String> run = cli.runs.get(i);
            if (run.get(0).equals("release") && host.equals(run.get(run.indexOf("--host") + 1))) {
                folders.add(cli.cwds.get(i));
            }
        }
        return folders;
    }

    @Test
    void twoStepsOfOneHostAtOnceRunInTheFolderItsReleaseBeganInThoughJenkinsGivesTheSecondAnotherWorkspace() {
        // host-b's agent has two executors: titan-brain's soak and titan-execution run there at the same time,
        // in two node blocks, which WorkspaceList gives <job> and <job>@2.
        agents.add("titan-b-1", 2, "titan-b");
        // Each of the two commands ends only once the other has started, so both node blocks are held at once.
        cli.until.put("release soak titan-brain", "release service titan-execution");
        cli.until.put("release service titan-execution", "release soak titan-brain");

        callStep("titanDeploy", Map.of());

        assertThat(buildResult()).as(logText()).isEqualTo("SUCCESS");
        assertThat(log).anyMatch(l -> l.startsWith("Running on titan-b-1 in ") && l.endsWith("@2"));
        // dir() takes each later step back to where release begin unstashed the topology (and the checkout is).
        assertThat(foldersOf("host-b")).hasSize(1);
        assertThat(foldersOf("host-b").iterator().next().toString()).doesNotEndWith("@2");
    }

    @Test
    void theOrderOfThePlanDoesNotMatterNoBranchEverPolls() {
        release.dependentsFirst = true;

        callStep("titanDeploy", Map.of());

        assertThat(calls("waitUntil")).isEmpty();
        assertThat(release.starts).containsExactlyInAnyOrder("titan-shared", "titan-brain", "titan-console",
                "titan-execution");
        assertThat(stages()).hasSize(8).allMatch(s -> s.endsWith("=SUCCESS"));
    }

    @Test
    void afterAFailureNothingElseStartsAndTheRestIsMarkedSkipped() {
        release.outcome("titan-shared", ServiceStatus.FAILED, 1, "titan-shared exited with code 1");

        runAsBuild("titanDeploy", Map.of());

        assertThat(commands()).filteredOn(c -> c.startsWith("release service")).containsExactly(
                "release service titan-shared @host-a");
        assertThat(stages()).containsExactly(stage(NAME, "titan-shared", "FAILURE"),
                stage(NAME, "titan-brain", "NOT_BUILT"), stage(NAME, "titan-console", "NOT_BUILT"),
                stage(NAME, "titan-execution", "NOT_BUILT"), stage(NAME, "rollback", "SUCCESS"));
        assertThat(logText()).contains("titan-execution not deployed (skipped): not started: dependency titan-shared "
                + "failed");
    }

    @Test
    void aFailureOnOneHostAbortsTheReleaseOnBothInTheRollbackStage() {
        release.outcome("titan-brain", ServiceStatus.FAILED, 1, "titan-brain exited with code 1");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).hasMessage("titanDeploy: titan: release " + RELEASE + ": titan-brain failed: titan-brain exited "
                + "with code 1 (rolled back to the previous release)");
        assertThat(stages()).containsExactlyInAnyOrder(stage(NAME, "titan-shared", "SUCCESS"),
                stage(NAME, "titan-shared soak", "SUCCESS"), stage(NAME, "titan-brain", "FAILURE"),
                stage(NAME, "titan-console", "NOT_BUILT"), stage(NAME, "titan-execution", "NOT_BUILT"),
                stage(NAME, "rollback", "UNSTABLE"));
        assertThat(stages()).last().isEqualTo(stage(NAME, "rollback", "UNSTABLE"));
        // Each host on its own agent, inside the one rollback stage.
        assertThat(shOnNodes()).containsSubsequence("stage(titan: rollback)", "node(titan-b)", "node(titan-a)");
        assertThat(commands()).endsWith("release abort @host-b", "release abort @host-a");
        assertThat(log).filteredOn(l -> l.startsWith("WARNING")).containsExactly(
                "WARNING: titan-shared rolled back: it deployed, but its release failed");
        assertThat(logText()).contains("host-b: rollback: the previous release runs again (put back: titan-brain)",
                "host-a: rollback: the previous release runs again (put back: titan-shared)",
                "titan-console not deployed (skipped): not started: dependency titan-brain failed");
        assertThat(currentBuild.get("description")).isEqualTo("titan: release " + RELEASE
                + ": FAILED at titan-brain, 1 rolled-back, 2 skipped, previous release restored");
        assertThat(buildResult()).isEqualTo("FAILURE");
    }

    @Test
    void theStopButtonAbortsTheReleaseOnEveryHostAndTheBuildEndsAborted() {
        // The stop button while titan-brain deploys on host-b: every running step is interrupted.
        cli.interrupted.add("release service titan-brain");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).contains(stage(NAME, "titan-shared", "SUCCESS"), stage(NAME, "titan-brain", "ABORTED"))
                .last().isEqualTo(stage(NAME, "rollback", "UNSTABLE"));
        assertThat(commands()).containsSubsequence("release abort @host-b", "release abort @host-a");
        assertThat(run("release abort @host-a")).containsSubsequence("--reason", "the build was aborted");
        assertThat(shOnNodes()).containsSubsequence("stage(titan: rollback)", "node(titan-b)", "node(titan-a)");
        assertThat(currentBuild.get("description"))
                .isEqualTo("titan: release " + RELEASE + ": ABORTED, previous release restored");
    }

    @Test
    void anAbortIsAnAbortEvenWhenAnotherBranchFailedFirstInParallelsOrder() {
        // titan-brain's step fails with an ordinary error (its agent's channel broke) while the stop button
        // interrupts titan-shared's soak beside it: parallel throws the ordinary failure first.
        cli.broken.add("release service titan-brain");
        cli.interrupted.add("release soak titan-shared");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(run("release abort @host-a")).containsSubsequence("--reason", "the build was aborted");
        assertThat(String.valueOf(currentBuild.get("description"))).contains("ABORTED");
    }

    @Test
    void anAgentLostDuringAServiceFailsItAndTheRestIsSkippedNeverWaitingForThatAgent() {
        cli.lost.add("release service titan-brain");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        // A lost agent is no abort: titan-brain failed, and its host cannot be rolled back from here.
        assertThat(buildResult()).isEqualTo("FAILURE");
        assertThat(end).hasMessageStartingWith("titanDeploy: titan: release " + RELEASE + ": titan-brain failed: its "
                + "host's agent titan-b went away (Agent was removed)");
        assertThat(stages()).containsExactlyInAnyOrder(stage(NAME, "titan-shared", "SUCCESS"),
                stage(NAME, "titan-shared soak", "SUCCESS"), stage(NAME, "titan-brain", "FAILURE"),
                stage(NAME, "titan-console", "NOT_BUILT"), stage(NAME, "titan-execution", "NOT_BUILT"),
                stage(NAME, "rollback", "FAILURE"));
        // host-a is restored; node('titan-b') would wait for the lost agent for as long as it is gone.
        assertThat(commands()).contains("release abort @host-a").doesNotContain("release abort @host-b");
        assertThat(logText()).contains("host-b: rollback not possible: its agent titan-b went away; the release "
                + "stays open there until its lease runs out (the next titan-deploy there restores it), or run `");
    }

    @Test
    void aHostOnTheAgentTheBuildHoldsRunsThereWithoutANestedNode() {
        // The build holds titan-a's only executor: node('titan-a') would wait for a second one for ever.
        holdNode("titan-a-1", 1, "titan-a", "linux");

        callStep("titanDeploy", Map.of());

        assertThat(nodes).isNotEmpty().containsOnly("titan-b");
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(stages()).hasSize(8);
        // Only the other agent needs the topology brought to it, once.
        assertThat(calls("unstash")).hasSize(1);
    }

    @Test
    void eachAgentRunsItsOwnCliAndAnErrorNamesThatAgentsCli() {
        agents.add("titan-a-1", 1, "titan-a").env.put("TITAN_DEPLOY_CLI", "/opt/a/titan-deploy");
        agents.add("titan-b-1", 1, "titan-b").env.put("TITAN_DEPLOY_CLI", "/opt/b/titan-deploy");
        cli.missing.add("'/opt/b/titan-deploy'");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        // plan ran on the build's node (its PATH), host-a's steps with host-a's CLI; host-b's could not run.
        assertThat(end).hasMessageContaining("cannot run the titan-deploy CLI at /opt/b/titan-deploy");
        assertThat(cli.launchers).containsExactly("titan-deploy", "'/opt/a/titan-deploy'", "'/opt/a/titan-deploy'");
    }

    @Test
    void aTopologyPathWithADotSegmentIsStashedAsAPatternStashMatches() {
        callStep("titanDeploy", args("config", "./titan.yaml"));

        assertThat(buildResult()).as(logText()).isEqualTo("SUCCESS");
        // Ant patterns are never normalized: "./titan.yaml" would take no file and fail the stash.
        assertThat(calls("stash")).containsExactly("{name=titan-deploy-titan, includes=titan.yaml}");
        assertThat(run("release begin @host-b")).containsSubsequence("--config", "./titan.yaml");
    }

    @Test
    void onlyBeginsTheHostsOfTheServicesItNames() {
        callStep("titanDeploy", args("only", "titan-brain"));

        assertThat(commands()).containsExactly("plan", "release begin @host-b", "release service titan-brain @host-b",
                "validate @host-b", "release finish @host-b");
        assertThat(run("release begin @host-b")).containsSubsequence("--only", "titan-brain");
        assertThat(nodes).containsOnly("titan-b");
        assertThat(stages()).containsExactly(stage(NAME, "titan-brain", "SUCCESS"),
                stage(NAME, "validation (host-b)", "SUCCESS"));
    }

    @Test
    void aHostThatRefusesTheReleaseEndsItOnTheHostsThatTookIt() {
        release.beginExits.put("host-b", 4);
        release.beginErrors.put("host-b", "titan-deploy: release nightly-7-titan holds this host");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).hasMessage("titanDeploy: titan: release " + RELEASE + " could not begin on host host-b: "
                + "titan-deploy exited 4: titan-deploy: release "
                + "nightly-7-titan holds this host");
        assertThat(commands()).containsExactly("plan", "release begin @host-a", "release begin @host-b",
                "release abort @host-a");
        assertThat(stages()).containsExactly(stage(NAME, "rollback", "SUCCESS"));
        assertThat(logText()).contains("host-a: rollback: nothing to restore (no service had started)");
    }
}
