package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.config.LogRotation;
import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
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
 * Two simulated hosts (a PM2_HOME, a state dir and a loopback address each) driven through the CLI as
 * separate processes: the release id given to {@code release begin} everywhere, {@code --host} scoping
 * the commands, the host's address given to its services, and the messages of issue 22.
 *
 * <pre>
 *   host-a (127.0.0.2): shared
 *                          ^
 *   host-b (127.0.0.3):    └── brain
 * </pre>
 */
@Integration
class SeveralHostsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private final int sharedPort = Sandbox.freePort();
    private final int brainPort = Sandbox.freePort();

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
    }

    @AfterEach
    void stop() {
        try {
            for (String host : List.of("a", "b")) {
                new Pm2Manager(Pm2Binary.resolve(null), sandbox.dir().resolve("pm2-" + host), LogRotation.disabled()).kill();
            }
        } finally {
            sandbox.close();
        }
    }

    /** Shared on host-a, brain on host-b: neither sets HOST, so each listens where its host's address says. */
    private Path topology(String version) throws IOException {
        Path script = sandbox.standInCopy("code");
        Path file = sandbox.dir().resolve("v" + version + ".yaml");
        Files.writeString(file, """
                hosts:
                  host-a: {agent: titan-a, address: 127.0.0.2, pm2: {home: %1$s/pm2-a, logRotation: {enabled: false}}}
                  host-b: {agent: titan-b, address: 127.0.0.3, pm2: {home: %1$s/pm2-b, logRotation: {enabled: false}}}
                defaults: {startupTimeout: 6s, healthTimeout: 1s, soak: 200ms, env: {SERVICE_VERSION: "%4$s"}}
                services:
                  shared: {host: host-a, script: %2$s, port: %3$d, health: {http: /health}}
                  brain:  {host: host-b, script: %2$s, port: %5$d, health: {http: /health}, dependsOn: [shared]}
                """.formatted(sandbox.dir(), script, sharedPort, version, brainPort));
        return file;
    }

    private Cli titan(String... args) {
        return Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(90), args);
    }

    private Cli ok(String... args) {
        Cli cli = titan(args);
        assertThat(cli.exitCode()).as(String.join(" ", args) + "\n" + cli.stdout() + cli.stderr()).isZero();
        return cli;
    }

    /** The whole release in steps: begin on both hosts, each service without --host, finish on both. */
    private void release(Path topology, String id) {
        for (String host : List.of("host-a", "host-b")) {
            ok("release", "begin", "--config", topology.toString(), "--host", host, "--release", id);
        }
        for (String service : List.of("shared", "brain")) {
            ok("release", "service", service, "--config", topology.toString(), "--release", id);
        }
        for (String host : List.of("host-a", "host-b")) {
            ok("release", "finish", "--config", topology.toString(), "--host", host, "--release", id,
                    "--report", sandbox.dir().resolve(id + "-" + host + ".json").toString());
        }
    }

    @Test
    void theIdGivenToBeginNamesTheReleaseInEventsReportsHistoryAndPm2OnEveryHost() throws IOException {
        Path v1 = topology("1");
        Path events = sandbox.dir().resolve("begin-a.ndjson");

        Cli begin = ok("release", "begin", "--config", v1.toString(), "--host", "host-a", "--release", "build-7",
                "--events", events.toString());
        ok("release", "begin", "--config", v1.toString(), "--host", "host-b", "--release", "build-7");
        ok("release", "service", "shared", "--config", v1.toString(), "--release", "build-7");
        Cli brain = ok("release", "service", "brain", "--config", v1.toString(), "--release", "build-7", "--json");
        for (String host : List.of("host-a", "host-b")) {
            ok("release", "finish", "--config", v1.toString(), "--host", host, "--release", "build-7",
                    "--report", sandbox.dir().resolve(host + ".json").toString());
        }

        // No record id anywhere the release is shown: only the id it was given.
        assertThat(begin.stdout()).contains("release build-7: deploying 1 service(s)")
                .doesNotContainPattern("\\d{8}T\\d{9}Z-\\d{4}");
        assertThat(Files.readAllLines(events)).allSatisfy(line -> {
            JsonNode event = JSON.readTree(line);
            if (event.has("releaseId")) {
                assertThat(event.get("releaseId").asText()).as(line).isEqualTo("build-7");
            }
        });
        assertThat(JSON.readTree(brain.stdout().lines().reduce((a, b) -> b).orElseThrow()).get("release").asText())
                .isEqualTo("build-7");
        for (String host : List.of("host-a", "host-b")) {
            assertThat(JSON.readTree(sandbox.dir().resolve(host + ".json").toFile()).get("releaseId").asText())
                    .isEqualTo("build-7");
        }
        // Each service was given its host's address as HOST, and answers there.
        assertThat(Sandbox.get("127.0.0.3", brainPort, "/version")).hasValueSatisfying(b -> assertThat(b).contains("\"1\""));

        // One history for both hosts: the release once, with how it ended on each.
        JsonNode history = JSON.readTree(ok("history", "--config", v1.toString(), "--json").stdout());
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("id").asText()).isEqualTo("build-7");
        assertThat(history.get(0).get("hosts").toString()).isEqualTo("[{\"host\":\"host-a\",\"result\":\"deployed\","
                + "\"current\":true},{\"host\":\"host-b\",\"result\":\"deployed\",\"current\":true}]");
        assertThat(history.get(0).get("results")).extracting(r -> r.get("service").asText())
                .containsExactlyInAnyOrder("shared", "brain");
        // The release rides on each process in PM2: status shows which release started what, and where.
        JsonNode status = JSON.readTree(ok("status", "--config", v1.toString(), "--json").stdout());
        assertThat(status).extracting(p -> p.get("name").asText() + "@" + p.get("host").asText() + ":"
                + p.get("releaseId").asText()).containsExactly("shared@host-a:build-7", "brain@host-b:build-7");

        // A restore puts back the release that had started each service, with its id.
        Path v2 = topology("2");
        ok("release", "begin", "--config", v2.toString(), "--host", "host-a", "--release", "build-8");
        ok("release", "service", "shared", "--config", v2.toString(), "--release", "build-8");
        assertThat(ok("status", "--config", v2.toString(), "--host", "host-a").stdout()).contains("build-8");
        ok("release", "abort", "--config", v2.toString(), "--host", "host-a", "--release", "build-8");
        JsonNode restored = JSON.readTree(ok("status", "--config", v2.toString(), "--host", "host-a", "--json").stdout());
        assertThat(restored.get(0).get("releaseId").asText()).isEqualTo("build-7");
        assertThat(Sandbox.get("127.0.0.2", sharedPort, "/version")).hasValueSatisfying(b -> assertThat(b).contains("\"1\""));
    }

    @Test
    void hostScopesStatusStopAndTheStepsAndAServicesStepFindsItsHostInTheTopology() throws IOException {
        Path v1 = topology("1");
        release(v1, "r1");

        Cli statusA = ok("status", "--config", v1.toString(), "--host", "host-a");
        assertThat(statusA.stdout()).contains("shared").doesNotContain("brain").doesNotContain("not in PM2");
        Cli all = ok("status", "--config", v1.toString());
        assertThat(all.stdout()).containsSubsequence("host host-a (127.0.0.2):", "shared", "host host-b (127.0.0.3):",
                "brain");

        ok("release", "begin", "--config", v1.toString(), "--host", "host-a", "--release", "r2");
        Cli wrong = titan("release", "service", "shared", "--config", v1.toString(), "--host", "host-b",
                "--release", "r2");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stderr()).contains("shared is on host host-a, not host-b");
        ok("release", "abort", "--config", v1.toString(), "--host", "host-a", "--release", "r2");

        Cli stopB = ok("stop", "--config", v1.toString(), "--host", "host-b");
        assertThat(stopB.stdout()).contains("stopped  brain").doesNotContain("shared");
        assertThat(Sandbox.get("127.0.0.2", sharedPort, "/health")).as("host-a's service runs on").isPresent();
        assertThat(Sandbox.get("127.0.0.3", brainPort, "/health")).isEmpty();
    }

    @Test
    void aReleaseThatChangesNothingSaysSoOnceAndItsAbortIsNoFailure() throws IOException {
        Path v1 = topology("1");
        release(v1, "r1");

        Cli begin = ok("release", "begin", "--config", v1.toString(), "--host", "host-a", "--release", "r2");
        Cli shared = ok("release", "service", "shared", "--config", v1.toString(), "--release", "r2");
        Cli abort = ok("release", "abort", "--config", v1.toString(), "--host", "host-a", "--release", "r2");

        assertThat(begin.stdout()).contains("release r2: 1 service(s), all unchanged").doesNotContain("deploying");
        assertThat(shared.stdout()).contains("shared unchanged: running, healthy and the same as before")
                .doesNotContain("unchanged: unchanged");
        assertThat(abort.stdout()).contains("release r2 aborted; restoring the release before it")
                .doesNotContain("FAILED");
    }

    @Test
    void waitingForADependencyOnAnotherHostThatNeverAnswersSaysSoOnce() throws IOException {
        Path v1 = topology("1");

        Cli deploy = titan("deploy", "--config", v1.toString(), "--host", "host-b", "--wait-dependencies", "1s");

        assertThat(deploy.exitCode()).as(deploy.stdout() + deploy.stderr()).isEqualTo(1);
        String said = deploy.stdout() + deploy.stderr();
        assertThat(said).contains("brain depends on shared on host host-a, which did not become healthy within 1 s "
                + "(GET http://127.0.0.2:" + sharedPort + "/health connection refused");
        assertThat(said.split("did not become healthy within", -1)).as(said).hasSize(2);
    }

    @Test
    void aHealthCheckRefusedWhereTheServiceDoesNotListenSaysWhereItListens() throws IOException {
        Path script = sandbox.standInCopy("code");
        Path file = sandbox.dir().resolve("elsewhere.yaml");
        // Its env sets HOST over the one its host's address would give: it listens on 127.0.0.1 only.
        Files.writeString(file, """
                hosts:
                  host-a: {agent: titan-a, address: 127.0.0.2, pm2: {home: %s/pm2-a, logRotation: {enabled: false}}}
                services:
                  shared: {host: host-a, script: %s, port: %d, health: {http: /health}, startupTimeout: 2s,
                           env: {HOST: 127.0.0.1}}
                """.formatted(sandbox.dir(), script, sharedPort));

        Cli deploy = titan("deploy", "--config", file.toString(), "--host", "host-a");

        assertThat(deploy.exitCode()).as(deploy.stdout() + deploy.stderr()).isEqualTo(1);
        assertThat(deploy.stdout()).contains("shared did not become healthy within 2 s (GET http://127.0.0.2:" + sharedPort
                + "/health connection refused): shared listens on 127.0.0.1:" + sharedPort + ", but its health check "
                + "goes to 127.0.0.2:" + sharedPort + " (its env sets HOST 127.0.0.1)");
    }
}
