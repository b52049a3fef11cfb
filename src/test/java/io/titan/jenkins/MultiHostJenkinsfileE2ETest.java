package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.testing.Integration;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * examples/Jenkinsfile.multi-host end to end: the declarative pipeline loads the library with
 * {@code @Library}, holds the office host's agent, and its {@code sh} runs for real here: the
 * titan-deploy CLI, one PM2 per host and the stand-in services of {@link RealHosts}, office's on
 * 127.0.0.2 and exchange-gw's on 127.0.0.3. Build #1 deploys release 1; then build #2 deploys release 2
 * whose titan-execution (on exchange-gw) crashes, or build #2 is aborted while release 2 deploys;
 * either must end with release 1 answering on both hosts.
 */
@Integration
class MultiHostJenkinsfileE2ETest extends PipelineTestBase {

    private static final String JENKINSFILE = "examples/Jenkinsfile.multi-host";
    private static final String TOPOLOGY = "deploy/multi-host.yaml";

    private RealHosts hosts;
    private RealSh realSh;
    private RealAgent.Release release;
    private int build;

    MultiHostJenkinsfileE2ETest() {
        super(false);
    }

    @BeforeEach
    void hosts() throws Exception {
        Declarative.register(this);
        registerLibrary();
        hosts = new RealHosts();
        env.put("PATH", hosts.path());
        env.put("JOB_NAME", "titan-services/main");
        realSh = new RealSh(this);
        sh = realSh;
        // checkout scm: the services repository at the commit of this build's release, on whichever agent.
        register("checkout", List.of(Map.class), a -> {
            hosts.checkout(cwd(), TOPOLOGY, release);
            return null;
        });
        getBinding().setVariable("params", new LinkedHashMap<>(Map.of("TITAN_CONFIG", TOPOLOGY)));
    }

    @Override
    protected String credential(String id) {
        assertThat(id).isEqualTo("titan-redis-password");
        return "not-used-by-this-topology";
    }

    @AfterEach
    void stopHosts() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void healthyReleaseThenOneBrokenOnTheSecondHostRolledBackOnBoth() throws Exception {
        buildOneDeploysReleaseOneOnBothHosts();

        // Build #2: release 2's titan-execution, on exchange-gw, exits as soon as it starts.
        release = new RealAgent.Release(2).crashing("titan-execution");
        runBuild();

        assertThat(buildResult()).as(logText()).isEqualTo("FAILURE");
        assertThat(stages()).as(logText()).containsExactlyInAnyOrder("Checkout=SUCCESS", "Deploy=FAILURE",
                "multi-host: titan-shared=SUCCESS", "multi-host: titan-shared soak=SUCCESS",
                "multi-host: titan-brain=SUCCESS", "multi-host: titan-brain soak=SUCCESS",
                "multi-host: titan-console=SUCCESS", "multi-host: titan-execution=FAILURE",
                "multi-host: titan-phase1-scavenger=NOT_BUILT", "multi-host: rollback=UNSTABLE");
        assertThat(stages()).last().isEqualTo("multi-host: rollback=UNSTABLE");
        assertThat(lastError).hasMessageStartingWith("titanDeploy: multi-host: release titan-services-main-2-multi-host: "
                + "titan-execution failed: ").hasMessageEndingWith("(rolled back to the previous release)");
        // Both hosts rolled back, the gateway (the failed service's dependents' host) first, each on its agent.
        assertThat(logText()).containsSubsequence("exchange-gw: rollback: the previous release runs again (put back: "
                + "titan-execution)", "office: rollback: the previous release runs again (put back: titan-shared, "
                + "titan-brain, titan-console)");
        assertThat(log).filteredOn(l -> l.startsWith("WARNING")).containsExactly(
                "WARNING: titan-shared rolled back: it deployed, but its release failed",
                "WARNING: titan-brain rolled back: it deployed, but its release failed",
                "WARNING: titan-console rolled back: it deployed, but its release failed");
        assertThat(hosts.versions()).as(logText()).isEqualTo(RealHosts.all("1"));
        assertThat(String.valueOf(currentBuild.get("description"))).isEqualTo("multi-host: release "
                + "titan-services-main-2-multi-host: FAILED at titan-execution, 3 rolled-back, 1 skipped, previous release "
                + "restored");
        assertThat(gatewayWorkspace().resolve("titan-reports/multi-host-exchange-gw-deploy.json")).content()
                .contains("\"outcome\" : \"rolled-back\"");
    }

    @Test
    void anAbortDuringTheReleaseRestoresBothHostsAndEndsAborted() throws Exception {
        buildOneDeploysReleaseOneOnBothHosts();

        // Build #2: the stop button while titan-execution starts on exchange-gw, after office's services deployed.
        release = new RealAgent.Release(2).slow(1_500, "titan-execution");
        RealSh.Interruption abort = realSh.interruptWhen(l -> l.matches(".*titan-execution +starting.*"));
        runBuild();
        long ended = System.nanoTime();

        assertThat(abort.fired()).as(logText()).isTrue();
        assertThat(buildResult()).as(logText()).isEqualTo("ABORTED");
        assertThat(lastError).isInstanceOf(FlowInterruptedException.class);
        assertThat(stages()).as(logText()).contains("Checkout=SUCCESS", "Deploy=ABORTED",
                "multi-host: titan-shared=SUCCESS", "multi-host: titan-brain=SUCCESS",
                "multi-host: titan-execution=ABORTED").last().isEqualTo("multi-host: rollback=UNSTABLE");
        // Started with titan-execution, beside titan-brain's soak: done, or stopped by the abort.
        assertThat(stage("multi-host: titan-console")).isIn("SUCCESS", "ABORTED");
        assertThat(stage("multi-host: titan-brain soak")).isIn("SUCCESS", "ABORTED");
        assertThat(hosts.versions()).as(logText()).isEqualTo(RealHosts.all("1"));
        assertThat(String.valueOf(currentBuild.get("description")))
                .isEqualTo("multi-host: release titan-services-main-2-multi-host: ABORTED, previous release restored");
        System.out.printf("multi-host abort: SIGTERM at \"%s\"; the build ended %d ms later with release 1 answering "
                + "on both hosts%n", abort.line(), (ended - abort.sigtermAt()) / 1_000_000);
    }

    /** Build #1: release 1 deploys on both hosts, each host's part on its agent. */
    private void buildOneDeploysReleaseOneOnBothHosts() throws IOException {
        release = new RealAgent.Release(1);
        runBuild();
        assertThat(buildResult()).as(logText()).isEqualTo("SUCCESS");
        // titan-console (office) and titan-execution (exchange-gw) start together, beside titan-brain's soak.
        assertThat(stages()).as(logText()).containsExactlyInAnyOrder("Checkout=SUCCESS", "Deploy=SUCCESS",
                "multi-host: titan-shared=SUCCESS", "multi-host: titan-shared soak=SUCCESS",
                "multi-host: titan-brain=SUCCESS", "multi-host: titan-brain soak=SUCCESS",
                "multi-host: titan-console=SUCCESS", "multi-host: titan-execution=SUCCESS",
                "multi-host: titan-execution soak=SUCCESS", "multi-host: titan-phase1-scavenger=SUCCESS");
        assertThat(stageRun("multi-host: titan-execution").startedAt)
                .isGreaterThanOrEqualTo(stageRun("multi-host: titan-brain").endedAt)
                .isLessThan(stageRun("multi-host: titan-console").endedAt);
        assertThat(hosts.versions()).isEqualTo(RealHosts.all("1"));
        // The build holds titan-office: only the gateway's agent is asked for, once for the checkout and
        // then for each of its steps.
        assertThat(nodes).containsOnly("titan-gw").hasSizeGreaterThan(4);
        assertThat(String.valueOf(currentBuild.get("description")))
                .isEqualTo("multi-host: release titan-services-main-1-multi-host: 5 deployed");
        assertThat(workspace.resolve("titan-reports/multi-host-office-deploy.json")).exists();
        // Each host's reports are on its agent, where its steps ran (and archived from there).
        assertThat(gatewayWorkspace().resolve("titan-reports/multi-host-exchange-gw-deploy.json")).exists();
        assertThat(workspace.resolve("titan-reports/multi-host-exchange-gw-deploy.json")).doesNotExist();
        assertThat(calls("junit")).hasSize(2);
    }

    /** The job's workspace on the gateway's agent, where its part of the release runs. */
    private java.nio.file.Path gatewayWorkspace() {
        return Agents.jobWorkspace(agents.forLabel("titan-gw"), String.valueOf(env.get("JOB_NAME")));
    }

    private void runBuild() {
        newBuild(++build);
        runScript(JENKINSFILE);
    }
}
