package io.titan.deploy.pm2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code titan-deploy ecosystem} prints what a deploy sends the daemon: after a real deploy, every
 * field of every app it printed is what the daemon holds for that app ({@code pm2_env}, which is the
 * app object {@code prepare} received, plus what the daemon adds itself), secrets shown as
 * {@code ****} where the daemon holds their values. eco-api is a one-worker cluster with
 * {@code readyMessage}, so its exec mode and {@code wait_ready} are among what is printed and held.
 * The one thing it cannot print is the release a deploy keeps with each app ({@code TITAN_RELEASE}):
 * that is the id of the deploy that sends it, made when it begins.
 *
 * <pre>
 *   eco-store <── eco-api
 * </pre>
 */
@Integration
class EcosystemCommandIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cr3t-ecosystem-value";
    /** What the daemon adds to an app's env itself (God.prepare): not part of what was sent. */
    private static final Set<String> ADDED_BY_DAEMON = Set.of("unique_id");
    /** What the deploy itself adds: the release that sends the app, which no deploy has before it begins. */
    private static final Set<String> ADDED_BY_THE_DEPLOY = Set.of(AppConfig.RELEASE_KEY);

    private Sandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void printsExactlyWhatADeploySentTheDaemonWithSecretsMasked() throws IOException {
        Path script = sandbox.standInCopy("code");
        Path topology = sandbox.dir().resolve("titan.yaml");
        Files.writeString(topology, new TopologyYaml(sandbox.pm2Home()).soak("200ms")
                .service("eco-store", script, Sandbox.freePort(), List.of(), Map.of("STORE_TOKEN", "${ECO_TOKEN}"))
                .service("eco-api", script, Sandbox.freePort(), List.of("eco-store"), Map.of("LOG_LEVEL", "info"))
                .build()
                // A one-worker cluster that says when it is ready: exec mode and wait_ready are sent too.
                .replace("  eco-api:\n", "  eco-api:\n    cluster: true\n    readyMessage: true\n"));
        Map<String, String> env = Map.of("ECO_TOKEN", SECRET);
        Cli deploy = Cli.run(sandbox.dir(), env, Duration.ofSeconds(90), "deploy", "--config", topology.toString());
        assertThat(deploy.exitCode()).as(deploy.stdout() + deploy.stderr()).isZero();

        Cli ecosystem = Cli.run(sandbox.dir(), env, Duration.ofSeconds(60), "ecosystem", "--config", topology.toString());

        assertThat(ecosystem.exitCode()).as(ecosystem.stderr()).isZero();
        assertThat(ecosystem.stdout()).doesNotContain(SECRET);
        JsonNode printed = JSON.readTree(ecosystem.stdout()).path("apps");
        assertThat(printed).extracting(app -> app.path("name").asText()).containsExactly("eco-store", "eco-api");
        Map<String, JsonNode> held = heldByTheDaemon();
        List<String> differences = new ArrayList<>();
        for (JsonNode app : printed) {
            String name = app.path("name").asText();
            JsonNode pm2Env = held.get(name);
            app.properties().forEach(field -> {
                JsonNode expected = field.getKey().equals("pm_pid_path")
                        // The daemon numbers the pid file with the process's pm_id (God.prepare).
                        ? JSON.getNodeFactory().textNode(field.getValue().asText()
                                .replaceFirst("\\.pid$", "-" + pm2Env.path("pm_id").asInt() + ".pid"))
                        : field.getValue();
                if (!field.getKey().equals("env") && !expected.equals(pm2Env.get(field.getKey()))) {
                    differences.add(name + "." + field.getKey() + ": printed " + field.getValue() + ", daemon holds "
                            + pm2Env.get(field.getKey()));
                }
            });
            differences.addAll(envDifferences(name, app.path("env"), pm2Env.path("env")));
        }
        assertThat(differences).isEmpty();
        assertThat(printed.get(1).path("exec_mode").asText()).isEqualTo("cluster_mode");
        assertThat(printed.get(1).path("wait_ready").asBoolean()).as("eco-api's readyMessage").isTrue();
        assertThat(printed.get(0).has("wait_ready")).as("eco-store has no readyMessage").isFalse();
        assertThat(printed.get(0).path("env").path("STORE_TOKEN").asText()).isEqualTo("****");
        assertThat(held.get("eco-store").path("env").path("STORE_TOKEN").asText()).isEqualTo(SECRET);
        assertThat(printed.get(0).path("env").path(AppConfig.FINGERPRINT_KEY).asText())
                .as("the fingerprint the deploy computed").contains("code=");
        String release = new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow().releaseId();
        assertThat(held.values()).extracting(app -> app.path("env").path(AppConfig.RELEASE_KEY).asText())
                .as("the deploy's release, kept with each app").containsOnly(release);
        assertThat(printed).allSatisfy(app -> assertThat(app.path("env").has(AppConfig.RELEASE_KEY)).isFalse());
    }

    /** Env keys that differ: a masked value must be a value the daemon holds; the rest equal. */
    private static List<String> envDifferences(String name, JsonNode printed, JsonNode held) {
        List<String> differences = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        printed.fieldNames().forEachRemaining(keys::add);
        held.fieldNames().forEachRemaining(keys::add);
        keys.removeAll(ADDED_BY_DAEMON);
        keys.removeAll(ADDED_BY_THE_DEPLOY);
        for (String key : keys) {
            JsonNode shown = printed.get(key);
            JsonNode sent = held.get(key);
            boolean masked = shown != null && shown.asText().equals("****") && sent != null && !sent.asText().isEmpty();
            if (!masked && (shown == null || !shown.equals(sent))) {
                differences.add(name + ".env." + key + ": printed " + shown + ", daemon holds "
                        + (sent == null ? "nothing" : "another value"));
            }
        }
        return differences;
    }

    /** Each app's {@code pm2_env}, straight from the daemon's process list. */
    private Map<String, JsonNode> heldByTheDaemon() throws IOException {
        Map<String, JsonNode> held = new java.util.TreeMap<>();
        try (DaemonRpc rpc = DaemonRpc.connect(Pm2Sockets.rpc(sandbox.pm2Home()))) {
            rpc.call("getMonitorData", Pm2Daemon.QUICK_CALL, Map.of()).path(0)
                    .forEach(process -> held.put(process.path("pm2_env").path("name").asText(), process.path("pm2_env")));
        }
        return held;
    }
}
