package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.testing.Integration;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * titanDeploy when the build is aborted during a real release: the CLI, PM2 and the stand-in services
 * run for real ({@link RealAgent}), and a running {@code sh} is interrupted as Jenkins does it
 * (SIGTERM to its processes, SIGKILL 5 s later, then {@code FlowInterruptedException} from the step).
 * Run plain by {@link TitanDeployAbortTest} and through groovy-cps by {@link TitanDeployAbortCpsTest};
 * with {@code mvn verify}, as they start PM2.
 */
@Integration
abstract class TitanDeployAbortScenarios extends PipelineTestBase {

    private RealAgent agent;
    private RealSh realSh;

    TitanDeployAbortScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void realAgent() throws Exception {
        agent = new RealAgent();
        env.put("PATH", agent.path());
        holdNode("titan-prod-1", 1, "titan-prod");
        env.put("JOB_NAME", "titan-services");
        env.put("BUILD_NUMBER", "1");
        realSh = new RealSh(this);
        sh = realSh;
    }

    @AfterEach
    void stopTarget() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void anAbortWhileTheLastLevelStartsEndsAbortedWithThePreviousReleaseAnswering() throws Exception {
        agent.checkout(workspace, new RealAgent.Release(1));
        assertThat(runAsBuild("titanDeploy", "deploy/titan.yaml")).as(logText()).isNull();
        assertThat(agent.versions()).isEqualTo(agent.all("1"));

        newBuild(2);
        agent.checkout(workspace, new RealAgent.Release(2).slow(2_500, "titan-brain", "titan-execution",
                "titan-console"));
        // The stop button while titan-console's own stage runs its CLI: Jenkins signals that sh's processes.
        RealSh.Interruption abort = realSh.interruptWhen(l -> l.matches(".*titan-console +starting.*"));
        Throwable end = runAsBuild("titanDeploy", "deploy/titan.yaml");
        long ended = System.nanoTime();

        assertThat(abort.fired()).as(logText()).isTrue();
        assertThat(end).as(logText()).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        // Release 1 answers the moment the step ends: nothing else ran.
        assertThat(agent.versions()).as(logText()).isEqualTo(agent.all("1"));
        // The last level's services start together, beside titan-brain's soak: the stop button interrupts
        // every step that runs, titan-console's and titan-execution's.
        assertThat(stages()).as(logText()).contains("titan: titan-shared=SUCCESS", "titan: titan-shared soak=SUCCESS",
                "titan: titan-brain=SUCCESS", "titan: titan-console=ABORTED", "titan: titan-execution=ABORTED")
                .last().isEqualTo("titan: rollback=UNSTABLE");
        assertThat(logText()).contains("Sending interrupt signal to process",
                "rollback: the previous release runs again (put back: titan-shared, titan-brain",
                "WARNING: titan-brain rolled back: it deployed, but its release failed");
        assertThat(calls("archiveArtifacts")).last().asString().contains("titan-reports/titan-deploy.json",
                "titan-reports/titan-deploy-events.ndjson");
        assertThat(String.valueOf(currentBuild.get("description")))
                .isEqualTo("titan: release titan-services-2-titan: ABORTED, previous release restored");
        assertThat(agent.pm2Apps()).doesNotContain("titan-deploy-restore");
        System.out.printf("%s abort: SIGTERM at \"%s\"; the step ended %d ms later with release 1 answering%n",
                cps() ? "cps" : "plain", abort.line(), (ended - abort.sigtermAt()) / 1_000_000);
    }

    @Test
    void anAbortAfterTheReleaseFinishedLeavesItRunning() throws Exception {
        agent.checkout(workspace, new RealAgent.Release(1));
        // Aborted as the CLI says the release finished: it is accepted, there is nothing to undo.
        RealSh.Interruption abort = realSh.interruptWhen(l -> l.matches("release \\S+ finished on host local"));

        Throwable end = runAsBuild("titanDeploy", Map.of("config", "deploy/titan.yaml"));

        assertThat(abort.fired()).as(logText()).isTrue();
        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).last().isEqualTo("titan: rollback=SUCCESS");
        assertThat(logText()).contains("rollback: not needed, the release had finished there and runs");
        assertThat(agent.versions()).isEqualTo(agent.all("1"));
        assertThat(String.valueOf(currentBuild.get("description"))).endsWith(": ABORTED, it had finished and is running");
        // The finish's report stays the release's: every service deployed.
        assertThat(workspace.resolve("titan-reports/titan-deploy.json")).content().contains("\"outcome\" : \"success\"");
    }
}
