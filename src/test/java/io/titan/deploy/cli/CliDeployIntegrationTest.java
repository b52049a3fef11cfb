package io.titan.deploy.cli;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI as its own process: signals, crashes, the lock, daemon loss, validation, reports. */
@Integration
class CliDeployIntegrationTest {

    private Sandbox sandbox;
    private int sharedPort;
    private int brainPort;
    private int consolePort;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        sharedPort = Sandbox.freePort();
        brainPort = Sandbox.freePort();
        consolePort = Sandbox.freePort();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** shared <- brain <- console; {@code delay} slows brain and console down. */
    private Path release(String file, String version, String delayMs, String extra) {
        Path script = sandbox.standInCopy("code-v" + version);
        String yaml = new TopologyYaml(sandbox.pm2Home()).startupTimeout("15s")
                .service("titan-shared", script, sharedPort, List.of(), Map.of("SERVICE_VERSION", version))
                .service("titan-brain", script, brainPort, List.of("titan-shared"),
                        Map.of("SERVICE_VERSION", version, "START_DELAY_MS", delayMs))
                .service("titan-console", script, consolePort, List.of("titan-brain"),
                        Map.of("SERVICE_VERSION", version, "START_DELAY_MS", delayMs))
                .build() + extra;
        try {
            Path path = sandbox.dir().resolve(file);
            Files.writeString(path, yaml);
            return path;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Topology load(Path file) {
        return new io.titan.deploy.config.TopologyLoader().load(file);
    }

    private void assertAllAnswer(String version) {
        for (int port : List.of(sharedPort, brainPort, consolePort)) {
            assertThat(Sandbox.get(port, "/version")).as("port " + port)
                    .hasValueSatisfying(body -> assertThat(body).contains("\"" + version + "\""));
        }
    }

    private ReleaseStore releases() {
        return new ReleaseStore(sandbox.pm2Home().resolve("titan"));
    }

    private static String events(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aDeployKilledHardIsUndoneByTheNextDeployBeforeItDoesAnythingElse() {
        Path v1 = release("v1.yaml", "1", "100", "");
        assertThat(sandbox.deploy(load(v1)).success()).isTrue();
        Path v2 = release("v2.yaml", "2", "4000", "");
        Path eventsFile = sandbox.dir().resolve("v2-events.ndjson");

        Cli cli = Cli.start(sandbox.dir(), Map.of(), "deploy", "--config", v2.toString(), "--events", eventsFile.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> events(eventsFile).contains("\"service\":\"titan-brain\""));
        cli.kill();
        ReleaseRecord unfinished = releases().latest().orElseThrow();
        assertThat(unfinished.status()).isEqualTo(ReleaseRecord.Status.IN_PROGRESS);

        sandbox.clearEvents();
        assertThat(sandbox.deploy(load(v1)).success()).isTrue();

        assertThat(sandbox.log()).anySatisfy(line -> assertThat(line)
                .contains("release " + unfinished.id()).contains("did not finish"));
        List<String> types = sandbox.events().stream().map(DeploymentEvent::type).toList();
        assertThat(types.indexOf("rollback:completed")).isLessThan(types.indexOf("deployment:started"));
        assertThat(releases().list().stream().filter(r -> r.id().equals(unfinished.id())).findFirst().orElseThrow()
                .status()).isEqualTo(ReleaseRecord.Status.ROLLED_BACK);
        assertAllAnswer("1");
    }

    @Test
    void aSecondConcurrentDeployExitsFourAtOnceNamingTheHolder() {
        Path v1 = release("v1.yaml", "1", "2500", "");
        Path eventsFile = sandbox.dir().resolve("a-events.ndjson");
        Cli first = Cli.start(sandbox.dir(), Map.of(), "deploy", "--config", v1.toString(), "--events", eventsFile.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> events(eventsFile).contains("deployment:started"));

        Cli second = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(20), "deploy", "--config", v1.toString());

        assertThat(second.exitCode()).as(second.stderr()).isEqualTo(4);
        assertThat(second.stderr()).contains("another deployment holds the lock")
                .contains("pid=" + first.process().pid());
        assertThat(first.waitFor(Duration.ofSeconds(60))).as(first.stdout() + first.stderr()).isZero();
        assertThat(events(eventsFile).lines().filter(l -> l.contains("deployment:started")).count()).isEqualTo(1);
        assertAllAnswer("1");
    }

    @Test
    void sigtermThenSigkillFiveSecondsLaterAsJenkinsAbortsLeavesThePreviousReleaseAnswering() {
        Path v1 = release("v1.yaml", "1", "100", "");
        assertThat(sandbox.deploy(load(v1)).success()).isTrue();
        Path v2 = release("v2.yaml", "2", "4000", "");
        Path eventsFile = sandbox.dir().resolve("v2-events.ndjson");

        Cli cli = Cli.start(sandbox.dir(), Map.of(), "deploy", "--config", v2.toString(), "--events", eventsFile.toString());
        // The last level of shared <- brain <- console is starting.
        await().atMost(Duration.ofSeconds(60)).until(() -> events(eventsFile).contains("\"service\":\"titan-console\""));
        cli.terminate();
        sleep(Duration.ofSeconds(5));
        if (cli.process().isAlive()) {
            cli.kill();
        }

        // No further command: the restorer the CLI handed over to brings v1 back on its own.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertAllAnswer("1");
            assertThat(releases().latest().orElseThrow().status()).isEqualTo(ReleaseRecord.Status.ROLLED_BACK);
        });
        assertThat(cli.stdout()).contains("restored by PM2 app titan-deploy-restore");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sandbox.pm2().getProcessList())
                .extracting(Pm2Process::name).containsExactlyInAnyOrder("titan-shared", "titan-brain", "titan-console"));
    }

    @Test
    void recoverAfterTheRestorerReportsWhatBecameOfTheRelease() {
        Path v1 = release("v1.yaml", "1", "100", "");
        assertThat(sandbox.deploy(load(v1)).success()).isTrue();
        Path v2 = release("v2.yaml", "2", "3000", "");
        Path eventsFile = sandbox.dir().resolve("v2-events.ndjson");
        Cli cli = Cli.start(sandbox.dir(), Map.of(), "deploy", "--config", v2.toString(), "--events", eventsFile.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> events(eventsFile).contains("\"service\":\"titan-brain\""));
        String releaseId = releases().latest().orElseThrow().id();
        cli.terminate();

        // What the Jenkins step runs in its catch: waits for the restorer, then says what happened.
        Cli recover = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "recover", "--config", v2.toString(),
                "--wait-lock", "1m", "--json");

        assertThat(recover.exitCode()).as(recover.stdout() + recover.stderr()).isZero();
        assertThat(recover.stdout()).contains("\"release\":\"" + releaseId + "\"").contains("\"status\":\"rolled-back\"");
        assertAllAnswer("1");
        Cli again = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "recover", "--config", v2.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).contains("nothing to recover: release " + releaseId + " is rolled-back");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void losingThePm2DaemonMidDeployRestoresThePreviousRelease() {
        Path v1 = release("v1.yaml", "1", "100", "");
        assertThat(sandbox.deploy(load(v1)).success()).isTrue();
        Path v2 = release("v2.yaml", "2", "3000", "");
        Path eventsFile = sandbox.dir().resolve("v2-events.ndjson");

        Cli cli = Cli.start(sandbox.dir(), Map.of(), "deploy", "--config", v2.toString(), "--events", eventsFile.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> events(eventsFile).contains("\"service\":\"titan-brain\""));
        sandbox.pm2().kill();

        assertThat(cli.waitFor(Duration.ofSeconds(90))).as(cli.stdout()).isEqualTo(1);
        assertThat(cli.stdout()).contains("rolled back to the previous release");
        assertAllAnswer("1");
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::isOnline).containsOnly(true);
    }

    @Test
    void aFailedValidationRollsTheReleaseBackAndTheReportsSaySo() throws IOException {
        Path v1 = release("v1.yaml", "1", "100", "");
        assertThat(sandbox.deploy(load(v1)).success()).isTrue();
        int closedPort = Sandbox.freePort();
        Path v2 = release("v2.yaml", "2", "100",
                "validation:\n  redis: {url: \"redis://:hunter2-secret@127.0.0.1:" + closedPort + "\"}\n"
                        + "  timeouts: {overall: 5s, redis: 1s}\n");
        Path report = sandbox.dir().resolve("report.json");
        Path junit = sandbox.dir().resolve("junit.xml");
        Path html = sandbox.dir().resolve("report.html");

        Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(90), "deploy", "--config", v2.toString(),
                "--report", report.toString(), "--junit", junit.toString(), "--html", html.toString());

        assertThat(cli.exitCode()).as(cli.stdout() + cli.stderr()).isEqualTo(1);
        String json = Files.readString(report);
        assertThat(json).contains("\"rolledBack\" : true").contains("validation failed: redis");
        assertThat(Files.readString(junit)).contains("titan-brain");
        assertThat(Files.readString(html)).contains("titan-console");
        for (String output : List.of(cli.stdout(), cli.stderr(), json, Files.readString(junit), Files.readString(html))) {
            assertThat(output).doesNotContain("hunter2-secret");
        }
        assertAllAnswer("1");
    }

    @Test
    void badInputExitsTwoAndChangesNothing() throws IOException {
        Path bad = sandbox.dir().resolve("bad.yaml");
        Files.writeString(bad, "services:\n  a: {script: nope.js}\n");

        Cli cli = Cli.run(sandbox.dir(), Map.of("PM2_HOME", sandbox.pm2Home().toString()), Duration.ofSeconds(30),
                "deploy", "--config", bad.toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.stderr()).contains("bad.yaml: services.a.script").contains("nope.js does not exist");
        assertThat(sandbox.pm2().isDaemonRunning()).as("no PM2 daemon was started").isFalse();
        assertThat(Files.exists(sandbox.pm2Home().resolve("titan"))).as("no state written").isFalse();
    }
}
