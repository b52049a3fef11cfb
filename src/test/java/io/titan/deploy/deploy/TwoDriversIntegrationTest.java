package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.config.HostSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * One core, two drivers: the one-process deploy ({@link DeploymentOrchestrator}) and the release in
 * steps ({@link HostRelease}) deploy each service and end a release with the same code, so the same
 * releases of the same topology leave the same records, the same processes and the same removals.
 * Each driver runs in a sandbox (its own PM2) of its own, one after the other, on the same ports.
 */
@Integration
class TwoDriversIntegrationTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private final int apiPort = Sandbox.freePort();
    private final int workerPort = Sandbox.freePort();

    /** What a driver left: the last record, what PM2 runs, and the services it removed. */
    private record Ended(ReleaseRecord.Status status, String error, Map<String, String> versions,
                         List<String> services, List<String> running, List<String> removed, int exitCode,
                         Map<String, ServiceStatus> outcomes) {
    }

    /** api, and worker depending on it, at {@code version}; worker left out, or made to crash, as asked. */
    private static Topology topology(Sandbox sandbox, int apiPort, int workerPort, String version, String worker) {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak("200ms");
        yaml.service("api", Sandbox.STAND_IN, apiPort, List.of(), Map.of("SERVICE_VERSION", version));
        if (!worker.equals("none")) {
            yaml.service("worker", Sandbox.STAND_IN, workerPort, List.of("api"), worker.equals("crashing")
                    ? Map.of("SERVICE_VERSION", version, "CRASH_ON_START", "1") : Map.of("SERVICE_VERSION", version));
        }
        return sandbox.topology("v" + version + "-" + worker + ".yaml", yaml.build());
    }

    /** The one-process deploy of a topology. */
    private static DeploymentResult oneProcess(Sandbox sandbox, Topology topology, String release, DeployOptions options,
                                               EventBus events) {
        return new DeploymentOrchestrator(topology, sandbox.pm2(), sandbox.pm2Home().resolve("titan"), events, Map.of(),
                Clock.systemUTC(), line -> { }).deploy(options);
    }

    /** The release in steps of a topology, as the Jenkins library drives it: begin, each service, then finish or abort. */
    private static DeploymentResult inSteps(Sandbox sandbox, Topology topology, String release, DeployOptions options,
                                            EventBus events) {
        HostRelease steps = new HostRelease(topology, HostSpec.LOCAL, sandbox.pm2(), sandbox.pm2Home().resolve("titan"),
                events, Map.of(), Clock.systemUTC(), line -> { });
        steps.begin(release, LEASE, options);
        for (String name : topology.graph().plan().order()) {
            if (!topology.services().containsKey(name)) {
                continue;
            }
            ServiceOutcome outcome = steps.service(release, name, LEASE);
            if (!outcome.status().ok()) {
                return steps.abort(release, outcome.message());
            }
        }
        return steps.finish(release, LEASE, deployed -> Optional.empty());
    }

    /** v1 with worker, then v2 with {@code second} deployed with {@code options}, by {@code driver} in a sandbox of its own. */
    private Ended run(Driver driver, String second, DeployOptions options) {
        return run(driver, "2", second, options);
    }

    private Ended run(Driver driver, String version, String second, DeployOptions options) {
        try (Sandbox sandbox = new Sandbox()) {
            DeploymentResult first = driver.deploy(sandbox, topology(sandbox, apiPort, workerPort, "1", "running"),
                    "r1", DeployOptions.defaults(), new EventBus());
            assertThat(first.success()).as(first.error()).isTrue();
            List<String> removed = new CopyOnWriteArrayList<>();
            EventBus events = new EventBus().onAny(e -> {
                if (e instanceof DeploymentEvent.ServiceRemoved r) {
                    removed.add(r.service());
                }
            });
            DeploymentResult result = driver.deploy(sandbox, topology(sandbox, apiPort, workerPort, version, second),
                    "r2", options, events);
            ReleaseRecord record = new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow();
            return new Ended(record.status(), record.error(), record.versions(), record.services(),
                    sandbox.pm2().getProcessList().stream().map(Pm2Process::name).sorted().toList(), List.copyOf(removed),
                    result.exitCode(), result.services().stream().collect(java.util.stream.Collectors.toMap(
                            ServiceOutcome::name, ServiceOutcome::status)));
        }
    }

    @Test
    void anAcceptedReleaseThatRemovesAnOrphanEndsTheSameByEitherDriver() {
        DeployOptions options = DeployOptions.defaults().withRemoveOrphans(true);

        Ended oneProcess = run(TwoDriversIntegrationTest::oneProcess, "none", options);
        Ended inSteps = run(TwoDriversIntegrationTest::inSteps, "none", options);

        assertThat(oneProcess.status()).isEqualTo(ReleaseRecord.Status.DEPLOYED);
        assertThat(oneProcess.versions()).as("versions PM2 reports").containsKey("api").doesNotContainKey("worker");
        assertThat(oneProcess.services()).containsExactly("api", "worker");
        assertThat(oneProcess.running()).containsExactly("api");
        assertThat(oneProcess.removed()).containsExactly("worker");
        assertThat(oneProcess.outcomes()).isEqualTo(Map.of("api", ServiceStatus.DEPLOYED));
        assertThat(inSteps).isEqualTo(oneProcess);
    }

    @Test
    void aFailedReleaseIsRestoredTheSameByEitherDriver() {
        Ended oneProcess = run(TwoDriversIntegrationTest::oneProcess, "crashing", DeployOptions.defaults());
        Ended inSteps = run(TwoDriversIntegrationTest::inSteps, "crashing", DeployOptions.defaults());

        assertThat(oneProcess.status()).isEqualTo(ReleaseRecord.Status.ROLLED_BACK);
        assertThat(oneProcess.running()).containsExactly("api", "worker");
        assertThat(oneProcess.exitCode()).isEqualTo(1);
        assertThat(oneProcess.outcomes()).containsEntry("worker", ServiceStatus.FAILED)
                .containsEntry("api", ServiceStatus.ROLLED_BACK);
        assertThat(inSteps).isEqualTo(oneProcess);
    }

    @Test
    void aReleaseOfWhatRunsLeavesEveryServiceAloneByEitherDriver() {
        // The release in steps takes each service's action from the plan its begin recorded.
        Ended oneProcess = run(TwoDriversIntegrationTest::oneProcess, "1", "running", DeployOptions.defaults());
        Ended inSteps = run(TwoDriversIntegrationTest::inSteps, "1", "running", DeployOptions.defaults());

        assertThat(oneProcess.status()).isEqualTo(ReleaseRecord.Status.DEPLOYED);
        assertThat(oneProcess.outcomes()).isEqualTo(Map.of("api", ServiceStatus.UNCHANGED,
                "worker", ServiceStatus.UNCHANGED));
        assertThat(inSteps).isEqualTo(oneProcess);
    }

    /** A way to deploy a topology as a release. */
    @FunctionalInterface
    private interface Driver {
        DeploymentResult deploy(Sandbox sandbox, Topology topology, String release, DeployOptions options,
                                EventBus events);
    }
}
