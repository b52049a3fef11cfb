package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Integration;
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

/**
 * The commands that look after a target once it runs: {@code history}, {@code status},
 * {@code rollback}, {@code stop}; and a rollback that cannot finish. The CLI runs as its own
 * process against real PM2.
 *
 * <pre>
 *   titan-shared <── titan-brain
 * </pre>
 */
@Integration
class TargetCommandsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private int sharedPort;
    private int brainPort;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        sharedPort = Sandbox.freePort();
        brainPort = Sandbox.freePort();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** A release of both services from a copy of the stand-in of its own; brain may crash at start. */
    private Path release(String version, boolean brainCrashes) throws IOException {
        Path script = sandbox.standInCopy("code-v" + version);
        Path file = sandbox.dir().resolve("v" + version + ".yaml");
        Files.writeString(file, new TopologyYaml(sandbox.pm2Home()).soak("200ms")
                .service("titan-shared", script, sharedPort, List.of(), Map.of("SERVICE_VERSION", version))
                .service("titan-brain", script, brainPort, List.of("titan-shared"),
                        brainCrashes ? Map.of("SERVICE_VERSION", version, "CRASH_ON_START", "1")
                                : Map.of("SERVICE_VERSION", version))
                .build());
        return file;
    }

    private Cli titan(String... args) {
        return Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(90), args);
    }

    private void assertBothAnswer(String version) {
        for (int port : List.of(sharedPort, brainPort)) {
            assertThat(Sandbox.get(port, "/version")).as("port " + port)
                    .hasValueSatisfying(body -> assertThat(body).contains("\"" + version + "\""));
        }
    }

    @Test
    void historyStatusRollbackAndStopLookAfterARunningTarget() throws Exception {
        Path v1 = release("1", false);
        Path v2 = release("2", false);
        assertThat(titan("deploy", "--config", v1.toString()).exitCode()).isZero();
        assertThat(titan("deploy", "--config", v2.toString()).exitCode()).isZero();
        assertBothAnswer("2");

        JsonNode history = JSON.readTree(titan("history", "--config", v2.toString(), "--json").stdout());
        assertThat(history).hasSize(2);
        assertThat(history.get(0).path("result").asText()).isEqualTo("deployed");
        assertThat(history.get(0).path("id").asText()).isGreaterThan(history.get(1).path("id").asText());

        JsonNode status = JSON.readTree(titan("status", "--config", v2.toString(), "--json").stdout());
        assertThat(status).extracting(p -> p.path("name").asText() + " " + p.path("status").asText())
                .containsExactlyInAnyOrder("titan-shared online", "titan-brain online");

        Cli rollback = titan("rollback", "--config", v2.toString());
        assertThat(rollback.exitCode()).as(rollback.stdout() + rollback.stderr()).isZero();
        assertThat(rollback.stdout()).contains("titan-brain").contains("restored");
        assertBothAnswer("1");
        assertThat(JSON.readTree(titan("history", "--config", v2.toString(), "--json").stdout()).get(0)
                .path("result").asText()).isEqualTo("rolled-back");

        Cli stop = titan("stop", "--config", v2.toString(), "--kill-daemon");
        assertThat(stop.exitCode()).isZero();
        assertThat(stop.stdout()).containsSubsequence("stopped  titan-brain", "stopped  titan-shared",
                "pm2 daemon stopped");
        assertThat(sandbox.pm2().isDaemonRunning()).isFalse();
        assertThat(Sandbox.get(sharedPort, "/version")).isEmpty();
    }

    @Test
    void aRollbackThatCannotFinishExitsThreeSaysSoAndTheNextDeployStillActs() throws Exception {
        Path v1 = release("1", false);
        assertThat(titan("deploy", "--config", v1.toString()).exitCode()).isZero();
        // The previous release's code is gone from disk: restoring it cannot work.
        Files.delete(sandbox.dir().resolve("code-v1/service.js"));
        Path broken = release("2", true);
        Path report = sandbox.dir().resolve("report.json");

        Cli failed = titan("deploy", "--config", broken.toString(), "--report", report.toString());

        assertThat(failed.exitCode()).as(failed.stdout() + failed.stderr()).isEqualTo(3);
        assertThat(failed.stdout()).contains("ROLLBACK FAILED");
        JsonNode json = JSON.readTree(Files.readString(report));
        assertThat(json.path("outcome").asText()).isEqualTo("rollback-failed");
        assertThat(json.path("rollback").path("success").asBoolean(true)).isFalse();
        assertThat(json.path("rollback").path("message").asText()).contains("code-v1/service.js");
        ReleaseRecord record = new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow();
        assertThat(record.status()).isEqualTo(ReleaseRecord.Status.ROLLBACK_FAILED);

        Path fixed = release("3", false);
        Cli next = titan("deploy", "--config", fixed.toString());

        assertThat(next.exitCode()).as(next.stdout() + next.stderr()).isZero();
        assertBothAnswer("3");
        assertThat(sandbox.pm2().getProcessList()).allMatch(Pm2Process::isOnline);
    }

    /**
     * The scenario of issue 19: while release jenkins-42 holds the host (begun, one service deployed),
     * every command that changes the host exits 4 naming it; {@code --take-over} ends it, putting
     * its part back first.
     */
    @Test
    void whileAReleaseHoldsTheHostEveryCommandThatChangesItExitsFourUntilAPersonTakesItOver() throws Exception {
        Path v1 = release("1", false);
        assertThat(titan("deploy", "--config", v1.toString()).exitCode()).isZero();
        Path v2 = release("2", false);
        Cli begin = titan("release", "begin", "--config", v2.toString(), "--release", "jenkins-42");
        assertThat(begin.exitCode()).as(begin.stdout() + begin.stderr()).isZero();
        assertThat(titan("release", "service", "titan-shared", "--config", v2.toString(), "--release", "jenkins-42")
                .exitCode()).isZero();
        Path lease = sandbox.pm2Home().resolve("titan/release.lease");
        String leaseBefore = Files.readString(lease);

        for (List<String> command : List.of(List.of("rollback"), List.of("stop"), List.of("recover"),
                List.of("deploy"), List.of("release", "begin", "--release", "jenkins-43"))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("--config", v2.toString()));
            Cli refused = titan(args.toArray(String[]::new));
            assertThat(refused.exitCode()).as(command + ": " + refused.stdout() + refused.stderr()).isEqualTo(4);
            assertThat(refused.stderr()).as(command.toString()).contains("release jenkins-42 holds this host")
                    .contains("its lease runs out at ").contains("--take-over");
        }
        assertThat(Sandbox.get(sharedPort, "/version")).hasValueSatisfying(b -> assertThat(b).contains("\"2\""));
        assertThat(Sandbox.get(brainPort, "/version")).hasValueSatisfying(b -> assertThat(b).contains("\"1\""));
        assertThat(Files.readString(lease)).isEqualTo(leaseBefore);

        Cli takeOver = titan("rollback", "--config", v2.toString(), "--take-over");

        assertThat(takeOver.exitCode()).as(takeOver.stdout() + takeOver.stderr()).isZero();
        assertThat(takeOver.stdout()).contains("release jenkins-42 taken over (--take-over");
        assertBothAnswer("1");
        assertThat(lease).doesNotExist();
        ReleaseRecord record = new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow();
        assertThat(record.release()).isEqualTo("jenkins-42");
        assertThat(record.status()).isEqualTo(ReleaseRecord.Status.ROLLED_BACK);
        Cli late = titan("release", "service", "titan-brain", "--config", v2.toString(), "--release", "jenkins-42");
        assertThat(late.exitCode()).as("the pipeline that was taken over finds its release ended").isEqualTo(2);
        assertThat(late.stderr()).contains("release jenkins-42 is not open").contains("rolled-back");
    }

    @Test
    void stopWithTakeOverPutsTheReleasesPartBackBeforeItStopsEverything() throws Exception {
        Path v1 = release("1", false);
        assertThat(titan("deploy", "--config", v1.toString()).exitCode()).isZero();
        Path v2 = release("2", false);
        assertThat(titan("release", "begin", "--config", v2.toString(), "--release", "jenkins-42").exitCode()).isZero();
        assertThat(titan("release", "service", "titan-shared", "--config", v2.toString(), "--release", "jenkins-42")
                .exitCode()).isZero();

        Cli stop = titan("stop", "--config", v2.toString(), "--take-over");

        assertThat(stop.exitCode()).as(stop.stdout() + stop.stderr()).isZero();
        assertThat(stop.stdout()).containsSubsequence("release jenkins-42 taken over",
                "release jenkins-42 (its pipeline no longer holds the host) did not finish", "stopped  titan-brain",
                "stopped  titan-shared");
        assertThat(new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow().status())
                .isEqualTo(ReleaseRecord.Status.ROLLED_BACK);
        assertThat(Sandbox.get(sharedPort, "/version")).isEmpty();
        assertThat(titan("deploy", "--config", v2.toString()).exitCode()).as("the host is free").isZero();
    }
}
