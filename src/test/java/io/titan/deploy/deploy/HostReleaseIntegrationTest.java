package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.HostSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The options of a release carried out step by step that the Jenkins step passes on: only some
 * services, orphans removed when it finishes, and a failed release kept as it is.
 */
@Integration
class HostReleaseIntegrationTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private Sandbox sandbox;
    private final int apiPort = Sandbox.freePort();
    private final int workerPort = Sandbox.freePort();

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** api, and worker depending on it, at {@code version}; without worker when {@code withWorker} is false. */
    private Topology topology(String version, boolean withWorker) {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak("200ms");
        yaml.service("api", Sandbox.STAND_IN, apiPort, List.of(), Map.of("SERVICE_VERSION", version));
        if (withWorker) {
            yaml.service("worker", Sandbox.STAND_IN, workerPort, List.of("api"), Map.of("SERVICE_VERSION", version));
        }
        return sandbox.topology("v" + version + (withWorker ? "" : "-api") + ".yaml", yaml.build());
    }

    private HostRelease release(Topology topology) {
        return new HostRelease(topology, HostSpec.LOCAL, sandbox.pm2(), stateDir(), new EventBus(),
                Map.of(), Clock.systemUTC(), line -> { });
    }

    private Path stateDir() {
        return sandbox.pm2Home().resolve("titan");
    }

    private void deployAll(Topology topology, String id) {
        HostRelease release = release(topology);
        release.begin(id, LEASE, DeployOptions.defaults());
        for (String name : topology.graph().plan().order()) {
            assertThat(release.service(id, name, LEASE).status().ok()).as(name).isTrue();
        }
        assertThat(release.finish(id, LEASE, deployed -> java.util.Optional.empty()).success()).isTrue();
    }

    private static String version(int port) {
        return Sandbox.get(port, "/version").orElse("nothing answers");
    }

    @Test
    void onlyTakesTheNamedServicesIntoTheReleaseAndLeavesTheRestAsTheyRun() {
        deployAll(topology("1", true), "r1");
        Topology v2 = topology("2", true);
        HostRelease release = release(v2);

        release.begin("r2", LEASE, DeployOptions.defaults().withOnly(Set.of("worker")));

        assertThatThrownBy(() -> release.service("r2", "api", LEASE)).isInstanceOf(TitanException.class)
                .hasMessageContaining("api is not a service of release r2 on host local (its services: worker)");
        assertThat(release.service("r2", "worker", LEASE).status()).isEqualTo(ServiceStatus.DEPLOYED);
        DeploymentResult finished = release.finish("r2", LEASE, deployed -> java.util.Optional.empty());
        assertThat(finished.services()).extracting(ServiceOutcome::name).containsExactly("worker");
        assertThat(version(apiPort)).contains("\"1\"");
        assertThat(version(workerPort)).contains("\"2\"");
    }

    @Test
    void onlyRefusesABeginWhoseDependencyOutsideTheReleaseIsDown() {
        Topology v1 = topology("1", true);

        assertThatThrownBy(() -> release(v1).begin("r1", LEASE, DeployOptions.defaults().withOnly(Set.of("worker"))))
                .isInstanceOf(TitanException.class)
                .hasMessageContaining("--only: worker depends on api, which is not online")
                .hasMessageContaining("Nothing was changed");
        assertThat(new ReleaseStore(stateDir()).latest()).isEmpty();
    }

    @Test
    void removeOrphansTakesAServiceThatLeftTheTopologyAwayWhenTheReleaseFinishes() {
        deployAll(topology("1", true), "r1");
        Topology v2 = topology("2", false);
        HostRelease release = release(v2);

        release.begin("r2", LEASE, DeployOptions.defaults().withRemoveOrphans(true));
        assertThatThrownBy(() -> release.service("r2", "worker", LEASE)).isInstanceOf(TitanException.class)
                .hasMessageContaining("worker is not a service of release r2");
        release.service("r2", "api", LEASE);
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::name).contains("worker");

        DeploymentResult finished = release.finish("r2", LEASE, deployed -> java.util.Optional.empty());

        assertThat(finished.success()).as(finished.error()).isTrue();
        assertThat(finished.services()).extracting(ServiceOutcome::name).containsExactly("api");
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::name).containsExactly("api");
    }

    @Test
    void keepEndsAFailedReleaseAsItIsAndFreesTheHost() {
        deployAll(topology("1", true), "r1");
        Topology v2 = topology("2", true);
        HostRelease release = release(v2);
        release.begin("r2", LEASE, DeployOptions.defaults());
        release.service("r2", "api", LEASE);

        DeploymentResult kept = release.keep("r2", "worker failed");

        assertThat(kept.success()).isFalse();
        assertThat(kept.rolledBack()).isFalse();
        assertThat(kept.services()).extracting(ServiceOutcome::status)
                .containsExactly(ServiceStatus.DEPLOYED, ServiceStatus.SKIPPED);
        assertThat(version(apiPort)).as("nothing restored").contains("\"2\"");
        assertThat(new ReleaseStore(stateDir()).latest().orElseThrow().status()).isEqualTo(ReleaseRecord.Status.FAILED);
        release(v2).begin("r3", LEASE, DeployOptions.defaults());
    }

    /** api (soaking 1 s, crashing {@code crashAfterMs} after it listens when given) and worker depending on it. */
    private Topology soaking(String version, Integer crashAfterMs) {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak("1s");
        Map<String, String> apiEnv = crashAfterMs == null ? Map.of("SERVICE_VERSION", version)
                : Map.of("SERVICE_VERSION", version, "CRASH_AFTER_MS", crashAfterMs.toString());
        yaml.service("api", Sandbox.STAND_IN, apiPort, List.of(), apiEnv);
        yaml.service("worker", Sandbox.STAND_IN, workerPort, List.of("api"), Map.of("SERVICE_VERSION", version));
        return sandbox.topology("soak-v" + version + ".yaml", yaml.build());
    }

    @Test
    void untilHealthyLetsDependentsStartWhileTheSoakGoesOnInItsOwnStep() {
        Topology v1 = soaking("1", null);
        HostRelease release = release(v1);
        release.begin("r1", LEASE, DeployOptions.defaults());

        ServiceOutcome healthy = release.service("r1", "api", LEASE, true);
        // worker starts while api's soak has not run: its dependency answers.
        ServiceOutcome worker = release.service("r1", "worker", LEASE);
        ServiceOutcome soaked = release.soak("r1", "api", LEASE);

        assertThat(healthy.status()).isEqualTo(ServiceStatus.HEALTHY);
        assertThat(healthy.status().stageResult()).isEqualTo("SUCCESS");
        assertThat(worker.status()).isEqualTo(ServiceStatus.DEPLOYED);
        assertThat(soaked.status()).as(soaked.message()).isEqualTo(ServiceStatus.DEPLOYED);
        assertThat(release.finish("r1", LEASE, deployed -> java.util.Optional.empty()).success()).isTrue();
    }

    @Test
    void aServiceThatCrashesAfterItsHealthGateFailsItsSoakStep() {
        Topology v1 = soaking("1", 300);
        HostRelease release = release(v1);
        release.begin("r1", LEASE, DeployOptions.defaults());

        assertThat(release.service("r1", "api", LEASE, true).status()).isEqualTo(ServiceStatus.HEALTHY);
        ServiceOutcome soaked = release.soak("r1", "api", LEASE);

        assertThat(soaked.status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(soaked.message()).startsWith("api ").endsWith("during the 1 s soak after it became healthy");
        DeploymentResult finished = release.finish("r1", LEASE, deployed -> java.util.Optional.empty());
        assertThat(finished.success()).isFalse();
        assertThat(finished.error()).startsWith("api is failed: api ");
    }

    @Test
    void aReleaseCannotFinishWhileASoakNeverRanNorSoakAServiceThatWasNotLeftHealthy() {
        Topology v1 = soaking("1", null);
        HostRelease release = release(v1);
        release.begin("r1", LEASE, DeployOptions.defaults());
        release.service("r1", "api", LEASE, true);
        release.service("r1", "worker", LEASE);

        assertThatThrownBy(() -> release.soak("r1", "worker", LEASE)).isInstanceOf(TitanException.class)
                .hasMessage("worker has no soak to finish in release r1 on host local: it is deployed");
        DeploymentResult finished = release.finish("r1", LEASE, deployed -> java.util.Optional.empty());
        assertThat(finished.success()).isFalse();
        assertThat(finished.error()).isEqualTo("api passed its health gate, but its soak never ran (`release soak api`)");
    }
}
