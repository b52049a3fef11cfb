package io.titan.deploy.deploy;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.DeploymentEvent.ServiceDeployed;
import io.titan.deploy.event.DeploymentEvent.ServiceDeploying;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deploy engine against real PM2 and stand-in services. */
@Integration
class DeploymentOrchestratorIntegrationTest {

    /*
     *  shared ──> security ──> brain ──> execution ──> scavenger
     *     │          │          │  │         └───────> ai-quant
     *     └──────────┴──────────┘  └──> console
     */
    private static final Map<String, List<String>> TITAN = Map.of(
            "titan-shared", List.of(),
            "titan-security", List.of("titan-shared"),
            "titan-brain", List.of("titan-shared", "titan-security"),
            "titan-execution", List.of("titan-shared", "titan-security", "titan-brain"),
            "titan-phase1-scavenger", List.of("titan-brain", "titan-execution"),
            "titan-ai-quant", List.of("titan-brain", "titan-execution"),
            "titan-console", List.of("titan-brain"));

    private Sandbox sandbox;
    private final Map<String, Integer> ports = new HashMap<>();

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        TITAN.keySet().forEach(name -> ports.put(name, Sandbox.freePort()));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private TopologyYaml titan(Path script, String version, Map<String, Map<String, String>> faults) {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home());
        for (String name : List.of("titan-shared", "titan-security", "titan-brain", "titan-execution",
                "titan-phase1-scavenger", "titan-ai-quant", "titan-console")) {
            Map<String, String> env = new HashMap<>(faults.getOrDefault(name, Map.of()));
            env.put("SERVICE_VERSION", version);
            env.putIfAbsent("START_DELAY_MS", "300");
            yaml.service(name, script, ports.get(name), TITAN.get(name), env);
        }
        return yaml;
    }

    private Topology titanTopology(String file, Path script, String version, Map<String, Map<String, String>> faults) {
        return sandbox.topology(file, titan(script, version, faults).build());
    }

    @Test
    void deploysTheTitanTopologyInDependencyOrderWithIndependentServicesOverlapping() {
        Topology topology = titanTopology("v1.yaml", Sandbox.STAND_IN, "1", Map.of());

        DeploymentResult result = sandbox.deploy(topology);

        assertThat(result.success()).as(result.error()).isTrue();
        assertThat(result.services()).extracting(ServiceOutcome::status).containsOnly(ServiceStatus.DEPLOYED);
        List<DeploymentEvent> events = sandbox.events();
        Map<String, Integer> deployedAt = new HashMap<>();
        Map<String, Integer> deployingAt = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof ServiceDeployed e) {
                deployedAt.put(e.service(), i);
            } else if (events.get(i) instanceof ServiceDeploying e) {
                deployingAt.put(e.service(), i);
            }
        }
        TITAN.forEach((service, deps) -> deps.forEach(dep -> assertThat(deployedAt.get(dep))
                .as("%s deployed before %s started", dep, service)
                .isLessThan(deployingAt.get(service))));
        // Independent branches overlap: each of a pair starts before the other is healthy.
        assertThat(deployingAt.get("titan-console")).isLessThan(deployedAt.get("titan-execution"));
        assertThat(deployingAt.get("titan-ai-quant")).isLessThan(deployedAt.get("titan-phase1-scavenger"));
        assertThat(deployingAt.get("titan-phase1-scavenger")).isLessThan(deployedAt.get("titan-ai-quant"));
        assertThat(events.get(events.size() - 1).type()).isEqualTo("deployment:completed");
        ports.forEach((name, port) -> assertThat(Sandbox.get(port, "/health")).as(name).isPresent());
        assertThat(new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow().status())
                .isEqualTo(ReleaseRecord.Status.DEPLOYED);
    }

    @Test
    void sequentialStrategyDeploysOneServiceAtATime() {
        Topology topology = titanTopology("v1.yaml", Sandbox.STAND_IN, "1", Map.of());

        DeploymentResult result = sandbox.deploy(topology,
                DeployOptions.defaults().withStrategy(DeployOptions.Strategy.SEQUENTIAL));

        assertThat(result.success()).as(result.error()).isTrue();
        List<String> types = sandbox.events().stream()
                .filter(e -> e instanceof ServiceDeploying || e instanceof ServiceDeployed)
                .map(e -> e.type() + " " + e.service()).toList();
        for (int i = 0; i < types.size(); i += 2) {
            assertThat(types.get(i)).startsWith("service:deploying");
            assertThat(types.get(i + 1)).isEqualTo(types.get(i).replace("deploying", "deployed"));
        }
        assertThat(types.stream().filter(t -> t.startsWith("service:deploying")).map(t -> t.split(" ")[1]))
                .containsExactlyElementsOf(topology.graph().plan().order());
    }

    @Test
    void rollsBackWhenBrainNeverBecomesHealthyAndTheOldReleaseAnswersAgain() {
        Path scriptA = sandbox.standInCopy("release-a");
        Path scriptB = sandbox.standInCopy("release-b");
        assertThat(sandbox.deploy(titanTopology("v1.yaml", scriptA, "1", Map.of())).success()).isTrue();
        Map<String, Long> v1Pids = pids();
        sandbox.clearEvents();

        Topology v2 = titanTopology("v2.yaml", scriptB, "2", Map.of("titan-brain", Map.of("UNHEALTHY", "1")));
        Instant started = Instant.now();
        DeploymentResult result = sandbox.deploy(v2);

        assertThat(result.success()).isFalse();
        assertThat(result.rolledBack()).isTrue();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.error()).contains("titan-brain did not become healthy within").contains("returned 503");
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(30));
        Map<String, String> statuses = result.services().stream()
                .collect(Collectors.toMap(ServiceOutcome::name, s -> s.status().value()));
        assertThat(statuses).containsEntry("titan-brain", "failed")
                .containsEntry("titan-shared", "rolled-back")
                .containsEntry("titan-security", "rolled-back")
                .containsEntry("titan-execution", "skipped")
                .containsEntry("titan-console", "skipped");
        ports.forEach((name, port) -> assertThat(Sandbox.get(port, "/version"))
                .as(name + " answers v1").hasValueSatisfying(body -> assertThat(body).contains("\"1\"")));
        Map<String, Long> after = pids();
        // Untouched services kept running; touched ones run v1's code from folder A again.
        assertThat(after.get("titan-execution")).isEqualTo(v1Pids.get("titan-execution"));
        for (Pm2Process p : sandbox.pm2().getProcessList()) {
            assertThat(p.script()).as(p.name()).isEqualTo(scriptA);
            assertThat(p.isOnline()).as(p.name()).isTrue();
        }
        List<String> types = sandbox.events().stream().map(DeploymentEvent::type).toList();
        assertThat(types).containsSubsequence("service:failed", "deployment:failed", "rollback:started",
                "rollback:completed");
    }

    @Test
    void aServiceThatCrashesAtStartFailsFastAndAppsNewInTheReleaseAreRemoved() {
        assertThat(sandbox.deploy(sandbox.topology("v1.yaml", new TopologyYaml(sandbox.pm2Home())
                .service("titan-shared", Sandbox.STAND_IN, ports.get("titan-shared"), List.of(), Map.of())
                .build())).success()).isTrue();

        Topology v2 = sandbox.topology("v2.yaml", new TopologyYaml(sandbox.pm2Home()).startupTimeout("20s")
                .service("titan-shared", Sandbox.STAND_IN, ports.get("titan-shared"), List.of(),
                        Map.of("SERVICE_VERSION", "2"))
                .service("titan-brain", Sandbox.STAND_IN, ports.get("titan-brain"), List.of("titan-shared"),
                        Map.of("CRASH_ON_START", "1"))
                .build());
        Instant started = Instant.now();
        DeploymentResult result = sandbox.deploy(v2);

        assertThat(result.rolledBack()).isTrue();
        assertThat(result.error()).startsWith("titan-brain ").contains("exited with code 1");
        // A crash is noticed from PM2's exit event long before the 20 s startup timeout.
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::name).containsExactly("titan-shared");
        assertThat(Sandbox.get(ports.get("titan-shared"), "/version")).hasValueSatisfying(b -> assertThat(b).contains("\"1\""));
    }

    @Test
    void aServiceThatCrashesDuringItsSoakFailsTheDeployment() {
        Topology topology = sandbox.topology("v1.yaml", new TopologyYaml(sandbox.pm2Home()).soak("3s")
                .service("titan-shared", Sandbox.STAND_IN, ports.get("titan-shared"), List.of(),
                        Map.of("CRASH_AFTER_MS", "500"))
                .build());

        DeploymentResult result = sandbox.deploy(topology);

        assertThat(result.success()).isFalse();
        assertThat(result.error()).contains("titan-shared").contains("soak");
        assertThat(sandbox.pm2().getProcessList()).isEmpty();
    }

    @Test
    void aPortTakenByAnotherProcessFailsTheServiceWithoutStartingIt() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", ports.get("titan-shared")));
            Topology topology = sandbox.topology("v1.yaml", new TopologyYaml(sandbox.pm2Home())
                    .service("titan-shared", Sandbox.STAND_IN, ports.get("titan-shared"), List.of(), Map.of())
                    .build());

            DeploymentResult result = sandbox.deploy(topology);

            assertThat(result.success()).isFalse();
            assertThat(result.error()).isEqualTo("titan-shared cannot start: port " + ports.get("titan-shared")
                    + " on 127.0.0.1 is already in use by another process");
            assertThat(sandbox.pm2().getProcessList()).isEmpty();
        }
    }

    @Test
    void aScriptMissingAtStartFailsAndRollsBack() throws Exception {
        Path script = sandbox.standInCopy("release-c");
        Topology topology = sandbox.topology("v1.yaml", new TopologyYaml(sandbox.pm2Home())
                .service("titan-shared", script, ports.get("titan-shared"), List.of(), Map.of())
                .build());
        Files.delete(script);

        DeploymentResult result = sandbox.deploy(topology);

        assertThat(result.success()).isFalse();
        assertThat(result.error()).startsWith("titan-shared: ").contains(script.toString());
        assertThat(sandbox.pm2().getProcessList()).isEmpty();
    }

    @Test
    void onlyDeploysTheNamedServicesAndRefusesWhenADependencyIsNotHealthy() {
        Topology topology = titanTopology("v1.yaml", Sandbox.STAND_IN, "1", Map.of());

        assertThatThrownBy(() -> sandbox.deploy(topology, DeployOptions.defaults().withOnly(Set.of("titan-brain"))))
                .isInstanceOf(TitanException.class)
                .hasMessageContaining("titan-brain depends on titan-security, which is not online")
                .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(2));
        assertThat(sandbox.pm2().getProcessList()).isEmpty();

        assertThat(sandbox.deploy(topology).success()).isTrue();
        Map<String, Long> before = pids();
        DeploymentResult only = sandbox.deploy(topology,
                DeployOptions.defaults().withOnly(Set.of("titan-console")).withForce(true));

        assertThat(only.success()).isTrue();
        assertThat(only.services()).extracting(ServiceOutcome::name).containsExactly("titan-console");
        Map<String, Long> after = pids();
        assertThat(after.get("titan-console")).isNotEqualTo(before.get("titan-console"));
        assertThat(after.get("titan-brain")).isEqualTo(before.get("titan-brain"));
    }

    @Test
    void noRollbackLeavesTheFailedStateForDebugging() {
        Topology topology = sandbox.topology("v1.yaml", new TopologyYaml(sandbox.pm2Home()).startupTimeout("2s")
                .service("titan-shared", Sandbox.STAND_IN, ports.get("titan-shared"), List.of(), Map.of("HANG", "1"))
                .build());

        DeploymentResult result = sandbox.deploy(topology, DeployOptions.defaults().withRollback(false));

        assertThat(result.success()).isFalse();
        assertThat(result.rolledBack()).isFalse();
        assertThat(result.error()).contains("did not become healthy within");
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::name).containsExactly("titan-shared");
        assertThat(new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow().status())
                .isEqualTo(ReleaseRecord.Status.FAILED);
    }

    @Test
    void aDaemonKilledMidDeployIsSeenAtOnceAndTheRollbackStartsANewOneWithThePreviousRelease() throws Exception {
        TopologyYaml v1 = new TopologyYaml(sandbox.pm2Home())
                .service("titan-shared", Sandbox.STAND_IN, ports.get("titan-shared"), List.of(), Map.of())
                .service("titan-brain", Sandbox.STAND_IN, ports.get("titan-brain"), List.of("titan-shared"), Map.of());
        assertThat(sandbox.deploy(sandbox.topology("v1.yaml", v1.build())).success()).isTrue();
        long oldDaemon = sandbox.pm2Home().resolve("pm2.pid").toFile().exists()
                ? Long.parseLong(Files.readString(sandbox.pm2Home().resolve("pm2.pid")).trim()) : 0;
        Topology v2 = sandbox.topology("v2.yaml", new TopologyYaml(sandbox.pm2Home()).startupTimeout("20s")
                .service("titan-shared", Sandbox.STAND_IN, ports.get("titan-shared"), List.of(),
                        Map.of("SERVICE_VERSION", "2", "START_DELAY_MS", "4000"))
                .service("titan-brain", Sandbox.STAND_IN, ports.get("titan-brain"), List.of("titan-shared"),
                        Map.of("SERVICE_VERSION", "2"))
                .build());
        Thread killer = new Thread(() -> {
            while (sandbox.events().stream().noneMatch(e -> e instanceof ServiceDeploying d
                    && d.service().equals("titan-shared"))) {
                Thread.onSpinWait();
            }
            sleepQuietly(Duration.ofMillis(1000));
            ProcessHandle.of(oldDaemon).ifPresent(ProcessHandle::destroyForcibly);
        });
        sandbox.clearEvents();
        killer.start();
        Instant started = Instant.now();

        DeploymentResult result = sandbox.deploy(v2);
        killer.join();

        assertThat(result.success()).isFalse();
        assertThat(result.rolledBack()).as("rolled back: %s", result.error()).isTrue();
        assertThat(result.error()).startsWith("titan-shared ").contains("lost its PM2 daemon");
        // Seen when the socket closed, not after titan-shared's 4 s start or the 20 s timeout.
        DeploymentEvent failed = sandbox.events().stream()
                .filter(e -> e instanceof DeploymentEvent.ServiceFailed).findFirst().orElseThrow();
        assertThat(Duration.between(started, failed.at())).isLessThan(Duration.ofMillis(3500));
        long newDaemon = Long.parseLong(Files.readString(sandbox.pm2Home().resolve("pm2.pid")).trim());
        assertThat(newDaemon).isNotEqualTo(oldDaemon).isPositive();
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::name)
                .containsExactlyInAnyOrder("titan-shared", "titan-brain")
                .hasSize(2);
        assertThat(sandbox.pm2().getProcessList()).allMatch(Pm2Process::isOnline);
        for (String name : List.of("titan-shared", "titan-brain")) {
            assertThat(Sandbox.get(ports.get(name), "/version")).hasValueSatisfying(b -> assertThat(b).contains("\"1\""));
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Long> pids() {
        return sandbox.pm2().getProcessList().stream().collect(Collectors.toMap(Pm2Process::name, Pm2Process::pid));
    }
}
