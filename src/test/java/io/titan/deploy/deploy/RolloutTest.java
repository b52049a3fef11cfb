package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.config.Topology;
import io.titan.deploy.config.TopologyLoader;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.Pm2Status;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.ProcessEvent;
import io.titan.deploy.pm2.ProcessEvents;
import io.titan.deploy.pm2.ProcessWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout's scheduling against a fake PM2, no processes at all: a service is "online" a set
 * time after its start, or crashes (an exit event), or never comes up.
 *
 * <pre>
 *   shared ──> brain ──> console
 *     └──────> audit
 * </pre>
 */
class RolloutTest {

    @TempDir
    Path dir;

    private Topology topology;
    private FakePm2 pm2;
    private final List<DeploymentEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void topology() throws IOException {
        Files.writeString(dir.resolve("s.js"), "");
        Path file = dir.resolve("titan.yaml");
        Files.writeString(file, """
                defaults: {startupTimeout: 2s, soak: 150ms}
                services:
                  shared: {script: s.js}
                  brain: {script: s.js, dependsOn: [shared]}
                  console: {script: s.js, dependsOn: [brain]}
                  audit: {script: s.js, dependsOn: [shared]}
                """);
        topology = new TopologyLoader().load(file);
        pm2 = new FakePm2();
    }

    private Rollout.Result run(DeployOptions.Strategy strategy, AtomicReference<String> stop) {
        List<String> order = topology.graph().plan().order();
        Map<String, Pm2App> apps = new LinkedHashMap<>();
        List<ServiceChange> changes = new ArrayList<>();
        for (String name : order) {
            apps.put(name, Apps.toPm2App(topology.service(name), Map.of()));
            changes.add(new ServiceChange(name, ServiceChange.Action.START, List.of("not in PM2"), null));
        }
        EventBus bus = new EventBus().onAny(events::add);
        return new Rollout(topology, pm2, bus, Clock.systemUTC(), "r1", order, apps, new ChangePlan(changes, List.of()),
                Set.of(), () -> Optional.ofNullable(stop.get()), Map.of()).run(strategy, List.of());
    }

    private Map<String, ServiceStatus> statuses(Rollout.Result result) {
        Map<String, ServiceStatus> statuses = new LinkedHashMap<>();
        result.outcomes().forEach(o -> statuses.put(o.name(), o.status()));
        return statuses;
    }

    @Test
    void startsEachServiceOnceItsDependenciesAreHealthyAndIndependentOnesTogether() {
        pm2.upAfter("shared", 200).upAfter("brain", 300).upAfter("audit", 300).upAfter("console", 100);

        Rollout.Result result = run(DeployOptions.Strategy.PARALLEL, new AtomicReference<>());

        assertThat(result.success()).as(result.failure()).isTrue();
        assertThat(statuses(result)).containsOnlyKeys("shared", "brain", "audit", "console")
                .allSatisfy((name, status) -> assertThat(status).isEqualTo(ServiceStatus.DEPLOYED));
        assertThat(pm2.startedAt("brain")).isAfterOrEqualTo(pm2.onlineAt("shared"));
        assertThat(pm2.startedAt("audit")).isAfterOrEqualTo(pm2.onlineAt("shared"));
        assertThat(pm2.startedAt("console")).isAfterOrEqualTo(pm2.onlineAt("brain"));
        // brain and audit wait for the same dependency and run side by side, not one after the other.
        assertThat(Duration.between(pm2.startedAt("brain"), pm2.startedAt("audit")).abs())
                .isLessThan(Duration.ofMillis(150));
    }

    @Test
    void theSequentialStrategyStartsOneServiceAtATimeSoakIncluded() {
        pm2.upAfter("shared", 50).upAfter("brain", 50).upAfter("audit", 50).upAfter("console", 50);

        Rollout.Result result = run(DeployOptions.Strategy.SEQUENTIAL, new AtomicReference<>());

        assertThat(result.success()).isTrue();
        List<String> order = pm2.startOrder();
        assertThat(order).containsExactlyElementsOf(topology.graph().plan().order());
        for (int i = 1; i < order.size(); i++) {
            // The next starts only after the previous one was online and soaked (150 ms).
            assertThat(Duration.between(pm2.onlineAt(order.get(i - 1)), pm2.startedAt(order.get(i))))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(140));
        }
    }

    @Test
    void aCrashFailsTheServiceAtOnceAndSkipsItsDependentsNamingIt() {
        // audit, which does not depend on brain, has passed its gate (polled every 100 ms) and its soak
        // (150 ms) well before brain crashes: only brain fails. (At 100 ms the crash raced audit's gate.)
        pm2.upAfter("shared", 50).crashesAfter("brain", 1000).upAfter("audit", 50).upAfter("console", 50);

        Rollout.Result result = run(DeployOptions.Strategy.PARALLEL, new AtomicReference<>());

        assertThat(result.success()).isFalse();
        assertThat(result.failure()).startsWith("brain ").contains("exited with code 1");
        assertThat(statuses(result)).containsEntry("brain", ServiceStatus.FAILED)
                .containsEntry("console", ServiceStatus.SKIPPED);
        assertThat(result.outcomes()).filteredOn(o -> o.name().equals("console")).singleElement()
                .satisfies(o -> assertThat(o.message()).isEqualTo("not started: dependency brain failed"));
        assertThat(pm2.startOrder()).doesNotContain("console");
        assertThat(events).filteredOn(e -> e instanceof DeploymentEvent.ServiceFailed).hasSize(1);
    }

    @Test
    void aServiceThatNeverComesUpFailsAtItsStartupTimeoutSayingWhatItSaw() {
        pm2.upAfter("shared", 50).neverUp("brain").upAfter("audit", 50);

        Rollout.Result result = run(DeployOptions.Strategy.PARALLEL, new AtomicReference<>());

        assertThat(result.failure()).isEqualTo("brain did not become healthy within 2 s (pm2 status of brain PM2 status launching)");
        assertThat(statuses(result)).containsEntry("console", ServiceStatus.SKIPPED);
    }

    @Test
    void anAbortStopsStartingServicesAndSkipsTheRest() {
        AtomicReference<String> stop = new AtomicReference<>();
        pm2.upAfter("shared", 100).upAfter("audit", 100).neverUp("brain");
        pm2.onStart("brain", () -> stop.set("interrupted by a termination signal"));

        Rollout.Result result = run(DeployOptions.Strategy.PARALLEL, stop);

        assertThat(result.failure()).isEqualTo("interrupted by a termination signal");
        assertThat(statuses(result)).containsEntry("brain", ServiceStatus.FAILED)
                .containsEntry("console", ServiceStatus.SKIPPED);
        assertThat(result.outcomes()).filteredOn(o -> o.name().equals("brain")).singleElement()
                .satisfies(o -> assertThat(o.message()).isEqualTo(
                        "stopped before it was healthy: interrupted by a termination signal"));
        assertThat(result.outcomes()).filteredOn(o -> o.name().equals("console")).singleElement()
                .satisfies(o -> assertThat(o.message()).contains("the deployment stopped"));
    }

    /** PM2 as the rollout sees it: starts, a process list, and process events. */
    private static final class FakePm2 implements ProcessControl, ProcessEvents {
        private final Map<String, Long> upAfterMs = new ConcurrentHashMap<>();
        private final Set<String> crashes = ConcurrentHashMap.newKeySet();
        private final Map<String, Runnable> onStart = new ConcurrentHashMap<>();
        private final Map<String, Instant> started = new ConcurrentHashMap<>();
        private final Map<String, Instant> online = new ConcurrentHashMap<>();
        private final List<String> startOrder = Collections.synchronizedList(new ArrayList<>());
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();

        FakePm2 upAfter(String name, long millis) {
            upAfterMs.put(name, millis);
            return this;
        }

        FakePm2 crashesAfter(String name, long millis) {
            crashes.add(name);
            return upAfter(name, millis);
        }

        FakePm2 neverUp(String name) {
            upAfterMs.put(name, Long.MAX_VALUE);
            return this;
        }

        void onStart(String name, Runnable action) {
            onStart.put(name, action);
        }

        Instant startedAt(String name) {
            return started.get(name);
        }

        Instant onlineAt(String name) {
            return online.get(name);
        }

        List<String> startOrder() {
            return List.copyOf(startOrder);
        }

        @Override
        public String home() {
            return "/fake";
        }

        @Override
        public void initialize() {
        }

        @Override
        public List<Pm2Process> start(Pm2App app) {
            String name = app.name();
            Instant now = Instant.now();
            started.put(name, now);
            startOrder.add(name);
            long after = upAfterMs.getOrDefault(name, 0L);
            if (after != Long.MAX_VALUE) {
                Thread thread = new Thread(() -> {
                    sleep(after);
                    if (crashes.contains(name)) {
                        ProcessEvent exit = new ProcessEvent("exit", name, 0, "u-" + name, Pm2Status.STOPPED, 0, 1,
                                false, Instant.now());
                        listeners.forEach(l -> l.event(exit));
                    } else {
                        online.put(name, Instant.now());
                    }
                });
                thread.setDaemon(true);
                thread.start();
            }
            onStart.getOrDefault(name, () -> { }).run();
            return List.of(process(name, Pm2Status.LAUNCHING));
        }

        private Pm2Process process(String name, Pm2Status status) {
            return new Pm2Process(name, 0, status == Pm2Status.ONLINE ? 1234 : 0, status, 0, 0, null, 0, 0, null,
                    Path.of("/fake/s.js"), Path.of("/fake"), "u-" + name);
        }

        @Override
        public void stop(String name) {
        }

        @Override
        public void delete(String name) {
        }

        @Override
        public Pm2Snapshot snapshot() {
            List<Pm2Process> processes = new ArrayList<>();
            started.keySet().forEach(name -> processes.add(process(name,
                    online.containsKey(name) ? Pm2Status.ONLINE : Pm2Status.LAUNCHING)));
            return new Pm2Snapshot(processes, Map.of());
        }

        @Override
        public ProcessWatch watch() {
            return new ProcessWatch(this);
        }

        @Override
        public AutoCloseable listen(Listener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
