package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jenkinsfile.example end to end: the declarative pipeline loads the library with @Library, and its
 * {@code sh} runs for real here: the titan-deploy CLI (from this build's classes, found on the PATH),
 * a real PM2 under a temporary PM2_HOME, a real redis-server with a password that reaches the CLI
 * only through withCredentials, and stand-in services on free ports ({@link RealAgent}). Build #1
 * deploys release 1; then either build #2 deploys release 2 whose titan-brain never becomes healthy,
 * or build #2 is aborted while release 2 deploys; either must end with release 1 answering again.
 */
@Integration
class JenkinsfileExampleE2ETest extends PipelineTestBase {

    private static final String PASSWORD = "e2e-s3cret-" + System.nanoTime();

    private RedisServer redis;
    private RealAgent agent;
    private RealSh realSh;
    private RealAgent.Release release;
    private int build;

    JenkinsfileExampleE2ETest() {
        super(false);
    }

    @BeforeEach
    void agent() throws Exception {
        Declarative.register(this);
        registerLibrary();
        redis = RedisServer.start(PASSWORD);
        agent = new RealAgent();
        env.put("PATH", agent.path());
        env.put("JOB_NAME", "titan-services");
        realSh = new RealSh(this);
        sh = realSh;
        // checkout scm: the services repository at the commit of this build's release.
        register("checkout", List.of(Map.class), a -> {
            checkoutRelease();
            return null;
        });
        getBinding().setVariable("params", new LinkedHashMap<>(Map.of("TITAN_CONFIG", "deploy/titan.yaml")));
    }

    @Override
    protected String credential(String id) {
        assertThat(id).isEqualTo("titan-redis-password");
        return PASSWORD;
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void healthyReleaseThenBrokenReleaseRolledBackToTheFirst() throws Exception {
        buildOneDeploysReleaseOne();

        // Build #2: release 2's titan-brain never becomes healthy.
        release = new RealAgent.Release(2).unhealthy("titan-brain").validation(validation());
        runBuild();
        assertThat(buildResult()).as(logText()).isEqualTo("FAILURE");
        // titan-shared had deployed: its stage stays green, and the rollback stage, yellow, names it.
        assertStages("Checkout", "SUCCESS", "Build", "SUCCESS", "Deploy", "FAILURE",
                "titan: titan-shared", "SUCCESS", "titan: titan-shared soak", "SUCCESS", "titan: titan-brain", "FAILURE",
                "titan: titan-execution", "NOT_BUILT", "titan: titan-console", "NOT_BUILT",
                "titan: rollback", "UNSTABLE", "Release", "NOT_BUILT");
        assertThat(log).contains("WARNING: titan-shared rolled back: it deployed, but its release failed");
        assertThat(lastError).hasMessageStartingWith("titanDeploy: titan: release ")
                .hasMessageContaining(": titan-brain failed: ")
                .hasMessageEndingWith("(rolled back to the previous release)");
        assertThat(String.valueOf(currentBuild.get("description")))
                .contains("FAILED at titan-brain, 1 rolled-back, 2 skipped, previous release restored");
        // The previous release is back: every service answers as release 1 again, and PM2 shows them online.
        assertThat(agent.versions()).isEqualTo(agent.all("1"));
        assertThat(logText()).contains("titan-brain              online");
        assertThat(calls("titanPm2Status")).hasSize(1);
        // The pages Jenkins shows: each with the stylesheet beside it; the release grid has both builds.
        Path reports = workspace.resolve("titan-reports");
        assertThat(reports.resolve("titan-report.css")).exists();
        assertThat(reports.resolve("titan-pm2-status.html")).content().contains("topology services online");
        assertThat(reports.resolve("titan-history.html")).content().contains("Latest release ").contains(": rolled back")
                .containsPattern("(?s)running now.*titan-brain.*failed");
        assertThat(reports.resolve("titan-deploy-junit.xml")).content().contains("<testsuite name=\"titan-deploy (titan)\"");
        assertThat(calls("publishHTML")).extracting(c -> c.replaceAll(".*reportName=([^,]+),.*", "$1"))
                .containsExactly("Titan deploy (titan)", "Titan releases (titan)", "Titan PM2 status (titan)");
    }

    @Test
    void anAbortDuringADeployEndsAbortedWithTheFirstReleaseAnswering() throws Exception {
        buildOneDeploysReleaseOne();

        // Build #2: release 2 starts slowly; the build is aborted (stop button, or the pipeline's
        // timeout) while its last level is starting.
        release = new RealAgent.Release(2).slow(2_500, "titan-brain", "titan-execution", "titan-console")
                .validation(validation());
        RealSh.Interruption abort = realSh.interruptWhen(l -> l.matches(".*titan-console +starting.*"));
        runBuild();
        long ended = System.nanoTime();

        assertThat(abort.fired()).as(logText()).isTrue();
        assertThat(buildResult()).as(logText()).isEqualTo("ABORTED");
        assertThat(lastError).isInstanceOf(FlowInterruptedException.class);
        // The last level's services start together: the stop button interrupts both while they start.
        assertThat(stages()).as(logText()).contains("Checkout=SUCCESS", "Build=SUCCESS", "Deploy=ABORTED",
                "titan: titan-shared=SUCCESS", "titan: titan-brain=SUCCESS", "titan: titan-console=ABORTED",
                "titan: titan-execution=ABORTED", "titan: rollback=UNSTABLE", "Release=NOT_BUILT");
        assertThat(stage("titan: titan-brain soak")).isIn("SUCCESS", "ABORTED");
        // Nothing ran after the step but titanPm2Status, which only looks: release 1 answers already.
        assertThat(agent.versions()).isEqualTo(agent.all("1"));
        assertThat(logText()).contains("rollback: the previous release runs again (put back: titan-shared, titan-brain",
                "titan-console            online");
        assertThat(String.valueOf(currentBuild.get("description")))
                .matches("titan: release titan-services-2-titan: ABORTED, previous release restored");
        assertThat(calls("titanPm2Status")).hasSize(1);
        assertThat(workspace.resolve("titan-reports/titan-deploy.json")).content().contains("\"outcome\" : \"rolled-back\"");
        assertThat(agent.pm2Apps()).doesNotContain("titan-deploy-restore");
        System.out.printf("e2e abort: SIGTERM at \"%s\"; the build ended %d ms later with release 1 answering%n",
                abort.line(), (ended - abort.sigtermAt()) / 1_000_000);
    }

    private String validation() {
        return "validation:\n  redis: {url: \"redis://127.0.0.1:" + redis.port() + "/0\"}\n"
                + "  timeouts: {service: 2s, redis: 2s, overall: 10s, quick: 5s}\n";
    }

    /** Build #1: release 1 deploys, validates, passes the gate and is released. */
    private void buildOneDeploysReleaseOne() throws Exception {
        release = new RealAgent.Release(1).validation(validation());
        runBuild();
        assertThat(buildResult()).as(logText()).isEqualTo("SUCCESS");
        assertStages("Checkout", "SUCCESS", "Build", "SUCCESS", "Deploy", "SUCCESS",
                "titan: titan-shared", "SUCCESS", "titan: titan-shared soak", "SUCCESS", "titan: titan-brain", "SUCCESS",
                "titan: titan-brain soak", "SUCCESS", "titan: titan-execution", "SUCCESS", "titan: titan-console", "SUCCESS",
                "titan: validation", "SUCCESS", "Release", "SUCCESS");
        // Each dependent started once its dependency's stage (its deploy up to its health gate) ended, while that
        // one soaked in a stage of its own.
        startsAfter("titan: titan-brain", "titan: titan-shared");
        startsAfter("titan: titan-shared soak", "titan: titan-shared");
        startsAfter("titan: titan-execution", "titan: titan-brain");
        startsAfter("titan: titan-console", "titan: titan-brain");
        assertThat(stageRun("titan: titan-brain").startedAt).as("titan-brain starts during titan-shared's soak")
                .isLessThan(stageRun("titan: titan-shared soak").endedAt);
        startsAfter("titan: validation", "titan: titan-brain soak");
        assertThat(calls("parallel")).hasSize(2).last().asString()
                .contains("titan: titan-execution=groovy.lang.Closure", "titan: titan-console=groovy.lang.Closure");
        assertThat(agent.versions()).isEqualTo(agent.all("1"));
        assertThat(String.valueOf(currentBuild.get("description")))
                .isEqualTo("titan: release titan-services-1-titan: 4 deployed");
        stagesHoldTheirServicesDeploys();
        assertThat(logText()).contains("titanValidate: titan: validation passed", "titan-console            online",
                "Released: titan: release ");
        assertThat(calls("junit")).hasSize(4);
        assertThat(workspace.resolve("titan-reports/titan-deploy.json")).exists();
        assertThat(workspace.resolve("titan-reports/titan-validate-quick.json")).exists();
        assertThat(workspace.resolve("titan-reports/titan-pm2-status-junit.xml")).exists();
        assertThat(shScripts).noneMatch(script -> script.contains(PASSWORD));
        // Every step after begin went through the release's runner (its log names each), none started the CLI.
        assertThat(logText()).doesNotContain("no release runner");
        assertThat(agent.pm2Home.resolve("titan/runner-titan-services-1-titan.log")).content()
                .contains("titan-deploy release service titan-shared", "titan-deploy release soak titan-brain",
                        "titan-deploy validate", "titan-deploy release finish")
                .doesNotContain("refused");
    }

    /**
     * Each service's stage is live: the service's deploy, as its report times it (started, healthy),
     * happened inside the stage, not before it (a stage drawn after the fact) nor after it. How long a
     * stage takes beyond its service (one CLI start) is a speed question for bench/, not a test.
     */
    private void stagesHoldTheirServicesDeploys() throws Exception {
        var report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(workspace.resolve("titan-reports/titan-deploy.json").toFile()).get("services");
        assertThat(report).hasSize(RealAgent.SERVICES.size());
        for (var service : report) {
            String name = service.get("name").asText();
            StageRun stage = stageRuns.stream().filter(r -> r.name.equals("titan: " + name)).findFirst().orElseThrow();
            System.out.printf("stage %-24s %5d ms, report durationMs %5d ms (the rest: a CLI start, the soak)%n",
                    stage.name, stage.durationMs(), service.get("durationMs").asLong());
            assertThat(java.time.Instant.parse(service.get("startedAt").asText())).as(name).isAfter(stage.started);
            assertThat(java.time.Instant.parse(service.get("readyAt").asText())).as(name).isBefore(stage.ended);
        }
    }

    /** The stages and their results, each run once; the order is the dependencies' ({@link #startsAfter}). */
    private void assertStages(String... nameResult) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < nameResult.length; i += 2) {
            expected.put(nameResult[i], nameResult[i + 1]);
        }
        List<String> started = stageRuns.stream().map(s -> s.name).toList();
        assertThat(started).as(logText()).doesNotHaveDuplicates();
        Map<String, String> actual = new LinkedHashMap<>();
        stageRuns.forEach(s -> actual.put(s.name, s.result));
        assertThat(actual).as(logText()).containsExactlyInAnyOrderEntriesOf(expected);
        startsAfter("Build", "Checkout");
        startsAfter("titan: titan-shared", "Checkout");
    }

    /** Stage {@code later} started once stage {@code earlier} had ended. */
    private void startsAfter(String later, String earlier) {
        assertThat(stageRun(later).startedAt).as("%s starts after %s ended", later, earlier)
                .isGreaterThanOrEqualTo(stageRun(earlier).endedAt);
    }

    private void runBuild() {
        newBuild(++build);
        runScript("Jenkinsfile.example");
    }

    /** Writes the services repository as it is at {@code release}. */
    private void checkoutRelease() throws IOException {
        agent.checkout(workspace, release);
        write("package.json", "{\"name\":\"titan-services\",\"version\":\"1.0.0\",\"private\":true}\n");
        write("package-lock.json", "{\"name\":\"titan-services\",\"version\":\"1.0.0\",\"lockfileVersion\":3,"
                + "\"requires\":true,\"packages\":{\"\":{\"name\":\"titan-services\",\"version\":\"1.0.0\"}}}\n");
    }
}
