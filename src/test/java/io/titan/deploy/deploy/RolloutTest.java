package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
        return run(strategy, stop, Clock.systemUTC());
    }

    private Rollout.Result run(DeployOptions.Strategy strategy, AtomicReference<String> stop, Clock clock) {
        List<String> order = topology.graph().plan().order();
        Map<String, Pm2App> apps = new LinkedHashMap<>();
        List<ServiceChange> changes = new ArrayList<>();
        for (String name : order) {
            apps.put(name, Apps.toPm2App(topology.service(name), Map.of()));
            changes.add(new ServiceChange(name, ServiceChange.Action.START, List.of("not in PM2"), null));
        }
        EventBus bus = new EventBus().onAny(events::add);
        return new Rollout(topology, pm2, bus, clock, "r1", order, apps, new ChangePlan(changes, List.of()),
                Set.of(), () -> Optional.ofNullable(stop.get()), Map.of()).run(strategy);
    }

    /** The rollout on a thread of its own, for a test that acts while it runs. */
    private CompletableFuture<Rollout.Result> runInBackground(DeployOptions.Strategy strategy, Clock clock) {
        return CompletableFuture.supplyAsync(() -> run(strategy, new AtomicReference<>(), clock));
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        return future.get(60, TimeUnit.SECONDS);
    }

    /** When the rollout said {@code service} passed its health gate, by the rollout's clock. */
    private Instant deployedAt(String service) {
        return events.stream().filter(e -> e instanceof DeploymentEvent.ServiceDeployed d && d.service().equals(service))
                .map(DeploymentEvent::at).findFirst().orElseThrow();
    }

    private Map<String, ServiceStatus> statuses(Rollout.Result result) {
        Map<String, ServiceStatus> statuses = new LinkedHashMap<>();
        result.outcomes().forEach(o -> statuses.put(o.name(), o.status()));
        return statuses;
    }

    /**
     * Every service is held in PM2's {@code launching} until the test lets it come up: brain and
     * audit both start while neither is up, so they run side by side, not one after the other.
     */
    @Test
    void startsEachServiceOnceItsDependenciesAreHealthyAndIndependentOnesTogether() throws Exception {
        pm2.held("shared", "brain", "audit", "console");

        CompletableFuture<Rollout.Result> rollout = runInBackground(DeployOptions.Strategy.PARALLEL, Clock.systemUTC());
        pm2.awaitStart("shared");
        assertThat(pm2.startOrder()).containsExactly("shared");
        pm2.up("shared");
        pm2.awaitStart("brain");
        pm2.awaitStart("audit");
        assertThat(pm2.startOrder()).as("console waits for brain").containsExactlyInAnyOrder("shared", "brain", "audit");
        pm2.up("brain");
        pm2.awaitStart("console");
        pm2.up("audit");
        pm2.up("console");
        Rollout.Result result = join(rollout);

        assertThat(result.success()).as(result.failure()).isTrue();
        assertThat(statuses(result)).containsOnlyKeys("shared", "brain", "audit", "console")
                .allSatisfy((name, status) -> assertThat(status).isEqualTo(ServiceStatus.DEPLOYED));
        List<String> log = pm2.log();
        assertThat(log).containsSubsequence("up shared", "start brain").containsSubsequence("up shared", "start audit")
                .containsSubsequence("up brain", "start console");
        assertThat(log.indexOf("start audit")).as("audit started while brain was not up").isLessThan(log.indexOf("up brain"));
        assertThat(log.indexOf("start brain")).as("brain started while audit was not up").isLessThan(log.indexOf("up audit"));
    }

    /**
     * One at a time, soak included. The rollout's clock moves only when the test moves it, past a
     * service's soak once the service passed its gate: a next service started before its
     * predecessor's soak was over would carry the instant before the move.
     */
    @Test
    void theSequentialStrategyStartsOneServiceAtATimeSoakIncluded() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
        pm2.clock(clock);
        List<String> order = topology.graph().plan().order();

        CompletableFuture<Rollout.Result> rollout = runInBackground(DeployOptions.Strategy.SEQUENTIAL, clock);
        for (String name : order) {
            pm2.awaitStart(name);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.stream()
                    .anyMatch(e -> e instanceof DeploymentEvent.ServiceDeployed d && d.service().equals(name)));
            assertThat(pm2.startOrder()).as("nothing else starts while %s soaks", name).endsWith(name);
            clock.move(topology.service(name).soak());
        }
        Rollout.Result result = join(rollout);

        assertThat(result.success()).as(result.failure()).isTrue();
        assertThat(pm2.startOrder()).containsExactlyElementsOf(order);
        for (int i = 1; i < order.size(); i++) {
            String previous = order.get(i - 1);
            assertThat(pm2.startedAt(order.get(i))).as("%s starts after %s soaked", order.get(i), previous)
                    .isAfterOrEqualTo(deployedAt(previous).plus(topology.service(previous).soak()));
        }
    }

    /**
     * brain exits as it starts. One service at a time, so audit (which does not depend on brain)
     * has passed its gate and soak before brain starts, and only brain fails: the exit, not its
     * startup timeout, fails it.
     */
    @Test
    void aCrashFailsTheServiceAtOnceAndSkipsItsDependentsNamingIt() {
        pm2.crashesOnStart("brain");

        Rollout.Result result = run(DeployOptions.Strategy.SEQUENTIAL, new AtomicReference<>());

        assertThat(result.success()).isFalse();
        assertThat(result.failure()).startsWith("brain ").contains("exited with code 1");
        assertThat(statuses(result)).containsEntry("brain", ServiceStatus.FAILED)
                .containsEntry("console", ServiceStatus.SKIPPED).containsEntry("audit", ServiceStatus.DEPLOYED);
        assertThat(result.outcomes()).filteredOn(o -> o.name().equals("console")).singleElement()
                .satisfies(o -> assertThat(o.message()).isEqualTo("not started: dependency brain failed"));
        assertThat(pm2.startOrder()).doesNotContain("console");
        assertThat(events).filteredOn(e -> e instanceof DeploymentEvent.ServiceFailed).hasSize(1);
    }

    @Test
    void aServiceThatNeverComesUpFailsAtItsStartupTimeoutSayingWhatItSaw() {
        pm2.held("brain");

        Rollout.Result result = run(DeployOptions.Strategy.PARALLEL, new AtomicReference<>());

        assertThat(result.failure()).isEqualTo("brain did not become healthy within 2 s (pm2 status of brain PM2 status launching)");
        assertThat(statuses(result)).containsEntry("console", ServiceStatus.SKIPPED);
    }

    @Test
    void anAbortStopsStartingServicesAndSkipsTheRest() {
        AtomicReference<String> stop = new AtomicReference<>();
        pm2.held("brain");
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

    /** A clock that stands still until the test moves it. */
    private static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void move(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /**
     * PM2 as the rollout sees it: starts, a process list, and process events. A service is online as
     * soon as it starts, unless the test holds it in {@code launching} (until {@link #up}) or makes
     * it exit as it starts. What happened is kept in order in {@link #log()}.
     */
    private static final class FakePm2 implements ProcessControl, ProcessEvents {
        private final Set<String> held = ConcurrentHashMap.newKeySet();
        private final Set<String> crashes = ConcurrentHashMap.newKeySet();
        private final Map<String, Runnable> onStart = new ConcurrentHashMap<>();
        private final Map<String, Instant> started = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<Void>> startSeen = new ConcurrentHashMap<>();
        private final Set<String> online = ConcurrentHashMap.newKeySet();
        private final List<String> startOrder = Collections.synchronizedList(new ArrayList<>());
        private final List<String> log = Collections.synchronizedList(new ArrayList<>());
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();
        private volatile Clock clock = Clock.systemUTC();

        void held(String... names) {
            held.addAll(List.of(names));
        }

        void crashesOnStart(String name) {
            crashes.add(name);
        }

        void onStart(String name, Runnable action) {
            onStart.put(name, action);
        }

        /** The clock the start instants are read from: the rollout's. */
        void clock(Clock value) {
            clock = value;
        }

        /** Lets a held service come up. */
        void up(String name) {
            log.add("up " + name);
            online.add(name);
        }

        /** Returns once the rollout started {@code name}. */
        void awaitStart(String name) throws Exception {
            startSeen(name).get(30, TimeUnit.SECONDS);
        }

        private CompletableFuture<Void> startSeen(String name) {
            return startSeen.computeIfAbsent(name, n -> new CompletableFuture<>());
        }

        Instant startedAt(String name) {
            return started.get(name);
        }

        List<String> startOrder() {
            return List.copyOf(startOrder);
        }

        List<String> log() {
            return List.copyOf(log);
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
            started.put(name, clock.instant());
            startOrder.add(name);
            log.add("start " + name);
            if (crashes.contains(name)) {
                ProcessEvent exit = new ProcessEvent("exit", name, 0, "u-" + name, Pm2Status.STOPPED, 0, 1, false,
                        Instant.now());
                listeners.forEach(l -> l.event(exit));
            } else if (!held.contains(name)) {
                up(name);
            }
            onStart.getOrDefault(name, () -> { }).run();
            startSeen(name).complete(null);
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
                    online.contains(name) ? Pm2Status.ONLINE : Pm2Status.LAUNCHING)));
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
    }
}
