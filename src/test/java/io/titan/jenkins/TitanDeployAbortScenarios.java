package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * titanDeploy when the build is aborted during a real deploy: the CLI, PM2 and the stand-in services
 * run for real ({@link RealAgent}), and the deploy's {@code sh} is interrupted as Jenkins does it
 * (SIGTERM to its processes, SIGKILL 5 s later, then {@code FlowInterruptedException} from the step).
 * Run plain by {@link TitanDeployAbortTest} and through groovy-cps by {@link TitanDeployAbortCpsTest}.
 */
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
        env.put("NODE_NAME", "titan-prod-1");
        realSh = new RealSh(log);
        sh = realSh;
    }

    @AfterEach
    void stopTarget() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    /** A new build: its own result, log, stages, call names. */
    private void newBuild() {
        getHelper().clearCallStack();
        currentBuild.clear();
        currentBuild.put("result", "SUCCESS");
        stageRuns.clear();
        log.clear();
        env.remove("TITAN_DEPLOY_CALLS");
    }

    @Test
    void anAbortWhileTheLastLevelStartsEndsAbortedWithThePreviousReleaseAnswering() throws Exception {
        agent.checkout(workspace, new RealAgent.Release(1));
        assertThat(runAsBuild("titanDeploy", "deploy/titan.yaml")).as(logText()).isNull();
        assertThat(agent.versions()).isEqualTo(agent.all("1"));

        newBuild();
        agent.checkout(workspace, new RealAgent.Release(2).slow(2_500, "titan-brain", "titan-execution",
                "titan-console"));
        RealSh.Interruption abort = realSh.interruptWhen(l -> l.matches(".*titan-console +starting.*"));
        Throwable end = runAsBuild("titanDeploy", "deploy/titan.yaml");
        long ended = System.nanoTime();

        assertThat(abort.fired()).as(logText()).isTrue();
        assertThat(end).as(logText()).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        // Release 1 answers the moment the step ends: nothing else ran.
        assertThat(agent.versions()).as(logText()).isEqualTo(agent.all("1"));
        assertThat(stages()).containsExactly("titan: rollback=SUCCESS");
        assertThat(logText()).contains("Sending interrupt signal to process",
                "terminated; the previous release is restored by PM2 app titan-deploy-restore",
                "rollback: the previous release is running again");
        // What recover said is in the rollback stage's log, and archived.
        assertThat(logText()).containsPattern("nothing to recover: release \\S+ is rolled-back|release \\S+ did not "
                + "finish; the release before it was restored");
        assertThat(calls("archiveArtifacts")).last().asString().contains("titan-reports/titan-recover.json",
                "titan-reports/titan-deploy-events.ndjson");
        assertThat(String.valueOf(currentBuild.get("description")))
                .matches("titan: release \\d{8}T\\d{9}Z-\\d{4}: ABORTED, previous release restored");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(agent.pm2Apps())
                .doesNotContain("titan-deploy-restore"));
        System.out.printf("%s abort: SIGTERM at \"%s\"; the step ended %d ms later with release 1 answering%n",
                cps() ? "cps" : "plain", abort.line(), (ended - abort.sigtermAt()) / 1_000_000);
    }

    @Test
    void anAbortAfterTheReleaseFinishedLeavesItRunning() throws Exception {
        agent.checkout(workspace, new RealAgent.Release(1));
        // Aborted as the CLI prints its result table: the release is complete, there is nothing to undo.
        RealSh.Interruption abort = realSh.interruptWhen(l -> l.startsWith("release ") && l.contains(": DEPLOYED"));

        Throwable end = runAsBuild("titanDeploy", Map.of("config", "deploy/titan.yaml"));

        assertThat(abort.fired()).as(logText()).isTrue();
        assertThat(end).isInstanceOf(FlowInterruptedException.class);
        assertThat(buildResult()).isEqualTo("ABORTED");
        assertThat(stages()).containsExactly("titan: rollback=SUCCESS");
        assertThat(logText()).containsPattern("rollback: not needed, release \\S+ had finished and is running");
        assertThat(agent.versions()).isEqualTo(agent.all("1"));
        assertThat(String.valueOf(currentBuild.get("description"))).endsWith(": ABORTED, it had finished and is running");
    }
}
