package io.titan.deploy.cli;

import io.titan.deploy.testing.Integration;
import io.titan.deploy.deploy.ServiceStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Change-aware deploys against real PM2: only what changed restarts, and {@code plan --diff}
 * predicts exactly what the next deploy does.
 *
 * <pre>
 *   titan-shared <── titan-brain <── titan-console (restartWith brain)
 *                          ^──────── titan-execution
 * </pre>
 */
@Integration
class ChangeAwareDeployIntegrationTest {

    private static final String SECRET = "s3cr3t-" + System.nanoTime();
    private static final Map<String, String> ENV = Map.of("TITAN_TEST_API_KEY", SECRET);

    private Sandbox sandbox;
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, Path> scripts = new HashMap<>();

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        for (String name : List.of("titan-shared", "titan-brain", "titan-console", "titan-execution", "titan-legacy")) {
            ports.put(name, Sandbox.freePort());
            scripts.put(name, sandbox.standInCopy(name));
        }
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Topology topology(String file, String logLevel, boolean withLegacy) {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak("500ms")
                .service("titan-shared", scripts.get("titan-shared"), ports.get("titan-shared"), List.of(),
                        Map.of("LOG_LEVEL", logLevel))
                .service("titan-brain", scripts.get("titan-brain"), ports.get("titan-brain"), List.of("titan-shared"),
                        Map.of("API_KEY", "${TITAN_TEST_API_KEY}"))
                .service("titan-console", scripts.get("titan-console"), ports.get("titan-console"),
                        List.of("{service: titan-brain, restartWith: true}"), Map.of())
                .service("titan-execution", scripts.get("titan-execution"), ports.get("titan-execution"),
                        List.of("titan-brain"), Map.of());
        if (withLegacy) {
            yaml.service("titan-legacy", scripts.get("titan-legacy"), ports.get("titan-legacy"), List.of(), Map.of());
        }
        return sandbox.topology(file, yaml.build());
    }

    private DeploymentResult deploy(Topology topology, DeployOptions options) {
        sandbox.clearEvents();
        return sandbox.orchestrator(topology, ENV).deploy(options);
    }

    private Map<String, Long> pids() {
        return sandbox.pm2().getProcessList().stream().collect(Collectors.toMap(Pm2Process::name, Pm2Process::pid));
    }

    /** What {@code plan --diff} shows: the engine's preview of a deploy with default options. */
    private ChangePlan preview(Topology topology, boolean removeOrphans) {
        return sandbox.orchestrator(topology, ENV).preview(DeployOptions.defaults().withRemoveOrphans(removeOrphans));
    }

    private Map<String, String> predicted(Topology topology, boolean removeOrphans) {
        ChangePlan plan = preview(topology, removeOrphans);
        Map<String, String> actions = new HashMap<>();
        Stream.concat(plan.services().stream(), plan.orphans().stream())
                .forEach(c -> actions.put(c.name(), c.action().word()));
        return actions;
    }

    /** What the deploy did, in plan --diff's words. */
    private Map<String, String> actual(DeploymentResult result, Map<String, Long> pidsBefore) {
        Map<String, String> actions = new HashMap<>();
        for (ServiceOutcome s : result.services()) {
            assertThat(s.status().value()).as(s.name()).isIn("deployed", "unchanged");
            actions.put(s.name(), s.status() == ServiceStatus.UNCHANGED ? "unchanged"
                    : pidsBefore.containsKey(s.name()) ? "restart" : "start");
        }
        sandbox.events().stream().filter(e -> e instanceof DeploymentEvent.ServiceRemoved)
                .forEach(e -> actions.put(e.service(), "remove"));
        return actions;
    }

    @Test
    void anUnchangedReleaseRestartsNothingAndPlanDiffSaysSo() {
        Topology v1 = topology("v1.yaml", "info", false);
        assertThat(deploy(v1, DeployOptions.defaults()).success()).isTrue();
        Map<String, Long> before = pids();

        assertThat(predicted(v1, false)).containsOnly(Map.entry("titan-shared", "unchanged"),
                Map.entry("titan-brain", "unchanged"), Map.entry("titan-console", "unchanged"),
                Map.entry("titan-execution", "unchanged"));
        DeploymentResult again = deploy(v1, DeployOptions.defaults());

        assertThat(again.success()).isTrue();
        assertThat(again.services()).extracting(ServiceOutcome::status).containsOnly(ServiceStatus.UNCHANGED);
        assertThat(sandbox.events()).noneMatch(e -> e instanceof DeploymentEvent.ServiceDeploying);
        assertThat(pids()).isEqualTo(before);
    }

    @Test
    void aCodeChangeRestartsThatServiceAndTheDependentsThatAskedToRestartWithIt() throws IOException {
        Topology v1 = topology("v1.yaml", "info", false);
        assertThat(deploy(v1, DeployOptions.defaults()).success()).isTrue();
        Map<String, Long> before = pids();
        Files.writeString(scripts.get("titan-brain").resolveSibling("feature.js"), "module.exports = 2;\n");
        Files.createDirectories(scripts.get("titan-shared").resolveSibling("node_modules"));
        Files.writeString(scripts.get("titan-shared").resolveSibling("node_modules/dep.js"), "ignored\n");

        ChangePlan plan = preview(v1, false);
        assertThat(plan.of("titan-brain").orElseThrow().reasons()).containsExactly("code");
        assertThat(plan.of("titan-console").orElseThrow().reasons())
                .containsExactly("dependency titan-brain restarts (restartWith)");
        Map<String, String> predicted = predicted(v1, false);
        DeploymentResult result = deploy(v1, DeployOptions.defaults());

        assertThat(result.success()).as(result.error()).isTrue();
        assertThat(actual(result, before)).isEqualTo(predicted).containsOnly(
                Map.entry("titan-shared", "unchanged"), Map.entry("titan-brain", "restart"),
                Map.entry("titan-console", "restart"), Map.entry("titan-execution", "unchanged"));
        Map<String, Long> after = pids();
        assertThat(after.get("titan-shared")).isEqualTo(before.get("titan-shared"));
        assertThat(after.get("titan-execution")).isEqualTo(before.get("titan-execution"));
        assertThat(after.get("titan-brain")).isNotEqualTo(before.get("titan-brain"));
        assertThat(after.get("titan-console")).isNotEqualTo(before.get("titan-console"));
    }

    @Test
    void anEnvChangeRestartsExactlyThatServiceAndNamesTheKey() {
        assertThat(deploy(topology("v1.yaml", "info", false), DeployOptions.defaults()).success()).isTrue();
        Map<String, Long> before = pids();
        Topology v2 = topology("v2.yaml", "debug", false);

        ChangePlan plan = preview(v2, false);
        assertThat(plan.of("titan-shared").orElseThrow().reasons()).containsExactly("env LOG_LEVEL");
        Map<String, String> predicted = predicted(v2, false);
        DeploymentResult result = deploy(v2, DeployOptions.defaults());

        assertThat(actual(result, before)).isEqualTo(predicted).containsOnly(
                Map.entry("titan-shared", "restart"), Map.entry("titan-brain", "unchanged"),
                Map.entry("titan-console", "unchanged"), Map.entry("titan-execution", "unchanged"));
        assertThat(pids().get("titan-brain")).isEqualTo(before.get("titan-brain"));
    }

    @Test
    void orphansAreListedAndRemovedOnlyWhenAskedAndForceRedeploysAll() {
        assertThat(deploy(topology("v1.yaml", "info", true), DeployOptions.defaults()).success()).isTrue();
        Topology v2 = topology("v2.yaml", "info", false);

        assertThat(predicted(v2, false)).containsEntry("titan-legacy", "orphan");
        DeploymentResult kept = deploy(v2, DeployOptions.defaults());
        assertThat(kept.success()).isTrue();
        assertThat(pids()).containsKey("titan-legacy");
        assertThat(sandbox.log()).anySatisfy(l -> assertThat(l).contains("orphan titan-legacy"));

        Map<String, Long> before = pids();
        Map<String, String> predicted = predicted(v2, true);
        assertThat(predicted).containsEntry("titan-legacy", "remove");
        DeploymentResult removed = deploy(v2, DeployOptions.defaults().withRemoveOrphans(true));
        assertThat(actual(removed, before)).isEqualTo(predicted);
        assertThat(pids()).doesNotContainKey("titan-legacy");

        DeploymentResult forced = deploy(v2, DeployOptions.defaults().withForce(true));
        assertThat(forced.services()).extracting(ServiceOutcome::status).containsOnly(ServiceStatus.DEPLOYED);
    }

    @Test
    void noSecretValueReachesReleaseRecordsOrPlanOutput() throws IOException {
        Topology v1 = topology("v1.yaml", "info", false);
        assertThat(deploy(v1, DeployOptions.defaults()).success()).isTrue();
        assertThat(deploy(topology("v2.yaml", "debug", false), DeployOptions.defaults()).success()).isTrue();

        try (Stream<Path> files = Files.walk(sandbox.pm2Home().resolve("titan"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(file.toString()).doesNotContain(SECRET);
            }
        }
        assertThat(preview(v1, false).toString()).doesNotContain(SECRET);
        assertThat(String.join("\n", sandbox.log())).doesNotContain(SECRET);
        assertThat(sandbox.events().toString()).doesNotContain(SECRET);
    }
}
