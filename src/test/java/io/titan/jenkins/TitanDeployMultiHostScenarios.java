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
    void eachHostsPartRunsOnItsAgentAndEachServiceStartsOnceItsDependenciesSucceeded() {
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", Map.of());

        // Begin on both hosts, the services in dependency order across them, then each host validates and finishes.
        assertThat(commands()).containsExactly("plan", "release begin @host-a", "release begin @host-b",
                "release service titan-shared @host-a", "release service titan-brain @host-b",
                "release service titan-console @host-a", "release service titan-execution @host-b",
                "validate @host-a", "validate @host-b", "release finish @host-a", "history @host-a",
                "release finish @host-b", "history @host-b");
        // Each service's stage inside a node() of its host's agent, so its stage time is its own work.
        assertThat(shOnNodes()).containsExactly("node(titan-a)", "node(titan-b)",
                "node(titan-a)", "stage(titan: titan-shared)", "node(titan-b)", "stage(titan: titan-brain)",
                "node(titan-a)", "stage(titan: titan-console)", "node(titan-b)", "stage(titan: titan-execution)",
                "node(titan-a)", "stage(titan: validation (host-a))", "node(titan-b)", "stage(titan: validation (host-b))",
                "node(titan-a)", "node(titan-b)");
        assertThat(stages()).containsExactly(stage(NAME, "titan-shared", "SUCCESS"), stage(NAME, "titan-brain", "SUCCESS"),
                stage(NAME, "titan-console", "SUCCESS"), stage(NAME, "titan-execution", "SUCCESS"),
                stage(NAME, "validation (host-a)", "SUCCESS"), stage(NAME, "validation (host-b)", "SUCCESS"));
        // A flat graph: one parallel of the services (a branch and one stage each), then one of the validations.
        assertThat(calls("parallel")).containsExactly("{titan: titan-shared=groovy.lang.Closure, "
                        + "titan: titan-brain=groovy.lang.Closure, titan: titan-console=groovy.lang.Closure, "
                        + "titan: titan-execution=groovy.lang.Closure}",
                "{titan: validation (host-a)=groovy.lang.Closure, titan: validation (host-b)=groovy.lang.Closure}");
        // The topology planned here is the one every agent deploys: stashed once, unstashed in each node().
        assertThat(calls("stash")).containsExactly("{name=titan-deploy-titan, includes=titan.yaml}");
        assertThat(calls("unstash")).hasSize(nodes.size()).containsOnly("titan-deploy-titan");
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

    @Test
    void aBranchThatStartsBeforeItsDependenciesWaitsForThemWhicheverHostTheyAreOn() {
        // The branches start here in the plan's order, dependents first: each must wait for its turn.
        release.dependentsFirst = true;

        callStep("titanDeploy", Map.of());

        assertThat(calls("parallel").get(0)).startsWith("{titan: titan-execution=");
        assertThat(calls("waitUntil")).isNotEmpty();
        assertThat(commands()).containsSubsequence("release service titan-shared @host-a",
                "release service titan-brain @host-b", "release service titan-console @host-a");
        assertThat(commands()).containsSubsequence("release service titan-brain @host-b",
                "release service titan-execution @host-b");
        assertThat(stages()).startsWith(stage(NAME, "titan-shared", "SUCCESS"), stage(NAME, "titan-brain", "SUCCESS"))
                .hasSize(6).allMatch(s -> s.endsWith("=SUCCESS"));
    }

    @Test
    void aBranchWaitingForItsTurnIsSkippedOnceAServiceFailed() {
        release.dependentsFirst = true;
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
        assertThat(stages()).containsExactly(stage(NAME, "titan-shared", "SUCCESS"), stage(NAME, "titan-brain", "FAILURE"),
                stage(NAME, "titan-console", "NOT_BUILT"), stage(NAME, "titan-execution", "NOT_BUILT"),
                stage(NAME, "rollback", "UNSTABLE"));
        // Dependents' host first, each on its own agent, inside the one rollback stage.
        assertThat(shOnNodes()).endsWith("stage(titan: titan-console)", "stage(titan: titan-execution)",
                "stage(titan: rollback)", "node(titan-b)", "node(titan-a)");
        assertThat(commands()).endsWith("release abort @host-b", "history @host-b", "release abort @host-a",
                "history @host-a");
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
        // Jenkins' interruption comes out of the sh that runs titan-brain's deploy on host-b.
        cli.interrupted.add("release service titan-brain");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).containsExactly(stage(NAME, "titan-shared", "SUCCESS"), stage(NAME, "titan-brain", "ABORTED"),
                stage(NAME, "rollback", "UNSTABLE"));
        assertThat(commands()).containsSubsequence("release abort @host-b", "release abort @host-a");
        assertThat(run("release abort @host-a")).containsSubsequence("--reason", "the build was aborted");
        assertThat(shOnNodes()).endsWith("stage(titan: rollback)", "node(titan-b)", "node(titan-a)");
        assertThat(currentBuild.get("description"))
                .isEqualTo("titan: release " + RELEASE + ": ABORTED, previous release restored");
    }

    @Test
    void anAgentLostDuringAServiceFailsItSkipsTheRestAndEndsTheReleaseOnBothHosts() {
        release.dependentsFirst = true;
        cli.lost.add("release service titan-brain");

        Throwable end = runAsBuild("titanDeploy", Map.of());

        assertThat(end).hasMessageStartingWith("Cannot contact titan-gw-1");
        assertThat(buildResult()).isEqualTo("FAILURE");
        // The branches waiting for titan-brain do not wait for ever: they are skipped, and both hosts roll back.
        assertThat(stages()).containsExactly(stage(NAME, "titan-shared", "SUCCESS"), stage(NAME, "titan-brain", "FAILURE"),
                stage(NAME, "titan-console", "NOT_BUILT"), stage(NAME, "titan-execution", "NOT_BUILT"),
                stage(NAME, "rollback", "UNSTABLE"));
        assertThat(commands()).contains("release abort @host-a", "release abort @host-b");
    }

    @Test
    void aHostOnTheAgentTheBuildHoldsRunsThereWithoutANestedNode() {
        // The build holds titan-a's only executor: node('titan-a') would wait for a second one for ever.
        holdNode("titan-a-1", 1, "titan-a", "linux");

        callStep("titanDeploy", Map.of());

        assertThat(nodes).isNotEmpty().containsOnly("titan-b");
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(stages()).hasSize(6);
        // Only the other agent needs the topology brought to it.
        assertThat(calls("unstash")).hasSize(nodes.size());
    }

    @Test
    void onlyBeginsTheHostsOfTheServicesItNames() {
        callStep("titanDeploy", args("only", "titan-brain"));

        assertThat(commands()).containsExactly("plan", "release begin @host-b", "release service titan-brain @host-b",
                "validate @host-b", "release finish @host-b", "history @host-b");
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
                + "titan-deploy exited 4 (another deployment holds the target's lock): titan-deploy: release "
                + "nightly-7-titan holds this host");
        assertThat(commands()).containsExactly("plan", "release begin @host-a", "release begin @host-b",
                "release abort @host-a", "history @host-a");
        assertThat(stages()).containsExactly(stage(NAME, "rollback", "SUCCESS"));
        assertThat(logText()).contains("host-a: rollback: nothing to restore (no service had started)");
    }
}
