package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.DeploymentEvent.ServiceDeployed;
import io.titan.deploy.event.DeploymentEvent.ServiceRestored;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.LoadLoop;
import io.titan.deploy.testing.Sandbox;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster-mode services replaced worker by worker through the real PM2 daemon, under a constant
 * stream of requests from a few clients, with and without keep-alive: not one may fail.
 */
@Integration
class ClusterReloadIntegrationTest {

    private Sandbox sandbox;
    private int port;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        port = Sandbox.freePort();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Topology api(String file, String mode, String version, String extraEnv) {
        return sandbox.api(file, port, mode, "SERVICE_VERSION: \"" + version + "\"" + extraEnv);
    }

    /** Redeploys under load without and with keep-alive and returns the service:deployed of each redeploy. */
    private List<ServiceDeployed> redeployUnderLoad(String mode) throws Exception {
        assertThat(sandbox.deploy(api("v1.yaml", mode, "1", "")).success()).isTrue();
        Set<Long> before = pids();
        try (LoadLoop plain = LoadLoop.start(port, "/version", false, 2);
             LoadLoop kept = LoadLoop.start(port, "/version", true, 2)) {
            plain.awaitMoreOk(50);
            kept.awaitMoreOk(50);
            sandbox.clearEvents();
            DeploymentResult v2 = sandbox.deploy(api("v2.yaml", mode, "2", ""));
            assertThat(v2.success()).as(v2.error()).isTrue();
            DeploymentResult v3 = sandbox.deploy(api("v3.yaml", mode, "3", ""));
            assertThat(v3.success()).as(v3.error()).isTrue();
            plain.awaitMoreOk(50);
            kept.awaitMoreOk(50);
            plain.close();
            kept.close();
            assertThat(plain.failed()).as(plain.toString()).isZero();
            assertThat(kept.failed()).as(kept.toString()).isZero();
            assertThat(plain.bodies()).as("served by v1, v2 and v3 in turn").containsKeys(
                    "{\"version\":\"1\"}", "{\"version\":\"3\"}");
        }
        assertThat(Sandbox.get(port, "/version")).hasValue("{\"version\":\"3\"}");
        assertThat(pids()).as("every worker was replaced").doesNotContainAnyElementsOf(before);
        return sandbox.events().stream().filter(ServiceDeployed.class::isInstance).map(ServiceDeployed.class::cast)
                .toList();
    }

    private Set<Long> pids() {
        return sandbox.pm2().getProcessList().stream().filter(p -> p.name().equals("api")).map(Pm2Process::pid)
                .collect(Collectors.toSet());
    }

    @Test
    void aTwoInstanceClusterServiceIsReplacedWithoutAFailedRequest() throws Exception {
        List<ServiceDeployed> deployed = redeployUnderLoad("instances: 2");

        assertThat(deployed).hasSize(2).allSatisfy(e -> {
            assertThat(e.downtime()).as("downtime measured, none seen").isNotNull().isZero();
            assertThat(e.failedProbes()).isZero();
        });
        List<Pm2Process> workers = sandbox.pm2().getProcessList();
        assertThat(workers).hasSize(2).allSatisfy(p -> assertThat(p.isOnline()).isTrue());
        assertThat(sandbox.pm2().snapshot().definitions().get("api").app().clusterMode()).isTrue();
    }

    @Test
    void aOneInstanceClusterServiceIsReplacedWithoutAFailedRequest() throws Exception {
        List<ServiceDeployed> deployed = redeployUnderLoad("cluster: true");

        assertThat(deployed).hasSize(2).allSatisfy(e -> assertThat(e.failedProbes()).isZero());
        assertThat(sandbox.pm2().getProcessList()).singleElement()
                .satisfies(p -> assertThat(p.isOnline()).isTrue());
        assertThat(sandbox.pm2().snapshot().definitions().get("api").app().clusterMode())
                .as("cluster mode with one instance is read back as cluster mode").isTrue();
    }

    @Test
    void aWorkerThatFailsItsGateStopsTheReplacementAndTheServiceIsRestoredWithoutAFailedRequest() throws Exception {
        assertThat(sandbox.deploy(api("v1.yaml", "instances: 2", "1", "")).success()).isTrue();
        try (LoadLoop load = LoadLoop.start(port, "/version", true, 2)) {
            load.awaitMoreOk(50);
            sandbox.clearEvents();
            // Its /health answers 503, so the new worker never passes its gate; /version it answers.
            DeploymentResult broken = sandbox.deploy(api("v2.yaml", "instances: 2\nstartupTimeout: 2s", "2",
                    ", UNHEALTHY: \"1\""));
            load.awaitMoreOk(50);
            load.close();

            assertThat(broken.success()).isFalse();
            assertThat(broken.error()).contains("api did not become healthy within 2 s").contains("new worker 1 of 2");
            assertThat(broken.rolledBack()).isTrue();
            assertThat(load.failed()).as(load.toString()).isZero();
        }
        assertThat(Sandbox.get(port, "/version")).hasValue("{\"version\":\"1\"}");
        List<Pm2Process> workers = sandbox.pm2().getProcessList();
        assertThat(workers).hasSize(2).allSatisfy(p -> assertThat(p.isOnline()).isTrue());
        assertThat(sandbox.events()).filteredOn(ServiceRestored.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((ServiceRestored) e).failedProbes()).isZero());
    }

    @Test
    void aWorkerThatNeverSaysReadyFailsItsGateWhenTheServiceSendsReadyMessages() throws Exception {
        assertThat(sandbox.deploy(api("v1.yaml", "cluster: true\nreadyMessage: true", "1", "")).success()).isTrue();

        DeploymentResult silent = sandbox.deploy(api("v2.yaml", "cluster: true\nreadyMessage: true\n"
                + "startupTimeout: 2s", "2", ", NO_READY: \"1\""));

        assertThat(silent.success()).isFalse();
        assertThat(silent.error()).contains("did not call process.send('ready') within 2 s (readyMessage: true)");
        assertThat(Sandbox.get(port, "/version")).hasValue("{\"version\":\"1\"}");
        assertThat(sandbox.pm2().snapshot().definitions().get("api").app().waitReady()).isTrue();
    }

    @Test
    void aForkModeServiceIsStoppedThenStartedAndItsDowntimeMeasured() throws Exception {
        assertThat(sandbox.deploy(api("v1.yaml", "instances: 1", "1", "")).success()).isTrue();
        sandbox.clearEvents();

        // Half a second between the old process going and the new one listening: an outage the probes see.
        assertThat(sandbox.deploy(api("v2.yaml", "instances: 1", "2", ", START_DELAY_MS: \"500\"")).success()).isTrue();

        ServiceDeployed deployed = (ServiceDeployed) sandbox.events().stream().filter(ServiceDeployed.class::isInstance)
                .findFirst().orElseThrow();
        assertThat(deployed.failedProbes()).isPositive();
        assertThat(deployed.downtime().toMillis()).as("at least the start delay").isGreaterThanOrEqualTo(500);
    }

    @Test
    void aReplacementLongerThanMaxDowntimeFailsAndIsRolledBack() throws Exception {
        assertThat(sandbox.deploy(api("v1.yaml", "instances: 1", "1", "")).success()).isTrue();

        DeploymentResult slow = sandbox.deploy(api("v2.yaml", "instances: 1\nmaxDowntime: 100ms", "2",
                ", START_DELAY_MS: \"500\""));

        assertThat(slow.success()).isFalse();
        assertThat(slow.rolledBack()).isTrue();
        assertThat(slow.error()).contains("api was unavailable for").contains("more than its maxDowntime of 100 ms");
        assertThat(Sandbox.get(port, "/version")).hasValue("{\"version\":\"1\"}");
    }

    @Test
    void aServiceWithoutAHealthCheckSaysItsDowntimeWasNotMeasured() throws Exception {
        String yaml = """
                pm2: {home: %s, logRotation: {enabled: false}}
                defaults: {startupTimeout: 10s, soak: 300ms}
                services:
                  quiet: {script: %s, port: %d, env: {SERVICE_VERSION: "%s"}}
                """;
        assertThat(sandbox.deploy(sandbox.topology("v1.yaml", yaml.formatted(sandbox.pm2Home(), Sandbox.STAND_IN, port,
                "1"))).success()).isTrue();
        sandbox.clearEvents();
        assertThat(sandbox.deploy(sandbox.topology("v2.yaml", yaml.formatted(sandbox.pm2Home(), Sandbox.STAND_IN, port,
                "2"))).success()).isTrue();

        List<DeploymentEvent> deployed = sandbox.events().stream().filter(ServiceDeployed.class::isInstance).toList();
        assertThat(deployed).singleElement().satisfies(e -> {
            assertThat(((ServiceDeployed) e).downtime()).as("not measured is null, never 0").isNull();
            assertThat(((ServiceDeployed) e).failedProbes()).isNull();
        });
    }

    /*
     *  base (cluster, 2 workers) <── mid <── top (crashes at start in v2)
     */
    @Test
    void aRollbackPutsTheClusterBackWorkerByWorkerAndStopsEachServiceOnlyOnceItsDependenciesAreBack()
            throws Exception {
        int mid = Sandbox.freePort();
        int top = Sandbox.freePort();
        java.nio.file.Path exits = sandbox.dir().resolve("mid-exits");
        String yaml = """
                pm2: {home: %s, logRotation: {enabled: false}}
                defaults: {startupTimeout: 10s, healthTimeout: 1s, soak: 300ms}
                services:
                  base: {script: %s, port: %d, instances: 2, health: {http: /health}, env: {SERVICE_VERSION: "%s"}}
                  mid: {script: %s, port: %d, dependsOn: [base], health: {http: /health},
                        env: {SERVICE_VERSION: "%s", EXIT_FILE: "%s"}}
                  top: {script: %s, port: %d, dependsOn: [mid], health: {http: /health},
                        env: {SERVICE_VERSION: "%s", CRASH_ON_START: "%s"}}
                """;
        java.util.function.BiFunction<String, String, String> version = (v, crash) -> yaml.formatted(
                sandbox.pm2Home(), Sandbox.STAND_IN, port, v, Sandbox.STAND_IN, mid, v, exits, Sandbox.STAND_IN, top, v,
                crash);
        assertThat(sandbox.deploy(sandbox.topology("v1.yaml", version.apply("1", "0"))).success()).isTrue();
        try (LoadLoop load = LoadLoop.start(port, "/version", true, 2)) {
            load.awaitMoreOk(50);
            sandbox.clearEvents();

            DeploymentResult broken = sandbox.deploy(sandbox.topology("v2.yaml", version.apply("2", "1")));
            load.awaitMoreOk(50);
            load.close();

            assertThat(broken.rolledBack()).as(broken.error()).isTrue();
            assertThat(load.failed()).as(load.toString()).isZero();
        }
        Instant baseBack = sandbox.events().stream().filter(ServiceRestored.class::isInstance)
                .filter(e -> e.service().equals("base")).map(DeploymentEvent::at).findFirst().orElseThrow();
        List<Double> midExits = java.nio.file.Files.readAllLines(exits).stream().map(Double::parseDouble).toList();
        // v1 exited when v2 replaced it; v2 when the rollback put v1 back, which must come after base is back.
        assertThat(midExits).hasSize(2);
        assertThat(midExits.get(1)).as("mid v2 stopped only after base was restored").isGreaterThanOrEqualTo(
                (double) baseBack.toEpochMilli());
        assertThat(Sandbox.get(port, "/version")).hasValue("{\"version\":\"1\"}");
        assertThat(Sandbox.get(mid, "/version")).hasValue("{\"version\":\"1\"}");
        assertThat(sandbox.events()).filteredOn(ServiceRestored.class::isInstance).extracting(DeploymentEvent::service)
                .containsExactly("base", "mid", "top");
    }
}
