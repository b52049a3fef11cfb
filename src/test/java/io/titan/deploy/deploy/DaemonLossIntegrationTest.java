package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.config.HostSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.DeploymentEvent.ServiceDeployed;
import io.titan.deploy.event.DeploymentEvent.ServiceRolledBack;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ProcessLiveness;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PM2 daemon dies in the middle of a release (issue 21): {@code pm2 kill}, which stops every
 * app and then the daemon, or SIGKILL, which leaves the apps running without it. Whenever it
 * happens, the release ends with the previous one answering on every port, or with exit 3 naming
 * what does not. Each fault is injected at a fixed point, from an event listener that does the
 * kill (and waits for it to be over) before the engine carries on.
 *
 * <pre>
 *   edge ──> api ──> worker
 *     └────> feed
 * </pre>
 */
@Integration
class DaemonLossIntegrationTest {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final List<String> SERVICES = List.of("edge", "api", "feed", "worker");
    private static final Map<String, List<String>> DEPENDS = Map.of("edge", List.of(), "api", List.of("edge"),
            "feed", List.of("edge"), "worker", List.of("api"));

    /**
     * How the daemon is killed: {@code pm2 kill} stops the apps, then the daemon; SIGTERM (a host
     * shutting down) makes it announce its shutdown, then stop the apps one by one; SIGKILL leaves
     * them running without it.
     */
    enum Kill { PM2_KILL, SIGTERM, SIGKILL }

    private Sandbox sandbox;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<DeploymentEvent> events = new CopyOnWriteArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        SERVICES.forEach(name -> ports.put(name, Sandbox.freePort()));
    }

    @AfterEach
    void stop() {
        pids.add(daemonPid());
        sandbox.pm2().getProcessList().forEach(p -> pids.add(p.pid()));
        sandbox.close();
        // A killed daemon's apps outlive it; whatever this test started must be gone by now.
        List<Long> alive = pids.stream().filter(ProcessLiveness::isAlive).toList();
        alive.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        assertThat(alive).as("processes left behind").isEmpty();
    }

    private Topology topology(String version, String soak, Map<String, Map<String, String>> faults) {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak(soak).startupTimeout("15s");
        for (String name : SERVICES) {
            Map<String, String> env = new LinkedHashMap<>(faults.getOrDefault(name, Map.of()));
            env.put("SERVICE_VERSION", version);
            env.putIfAbsent("START_DELAY_MS", "200");
            yaml.service(name, Sandbox.STAND_IN, ports.get(name), DEPENDS.get(name), env);
        }
        return sandbox.topology("v" + version + "-" + System.nanoTime() + ".yaml", yaml.build());
    }

    private EventBus bus(Consumer<DeploymentEvent> fault) {
        return new EventBus().onAny(event -> {
            events.add(event);
            fault.accept(event);
        });
    }

    private DeploymentOrchestrator orchestrator(Topology topology, EventBus bus) {
        return new DeploymentOrchestrator(topology, sandbox.pm2(), sandbox.pm2Home().resolve("titan"),
                bus, Map.of(), Clock.systemUTC(), line -> { });
    }

    private HostRelease release(Topology topology, EventBus bus) {
        return new HostRelease(topology, HostSpec.LOCAL, sandbox.pm2(),
                sandbox.pm2Home().resolve("titan"), bus, Map.of(), Clock.systemUTC(), line -> { });
    }

    /** v1 of every service, deployed and answering. */
    private long deployV1() {
        DeploymentResult v1 = orchestrator(topology("1", "200ms", Map.of()), bus(e -> { })).deployAll();
        assertThat(v1.success()).as(v1.error()).isTrue();
        pids.addAll(sandbox.pm2().getProcessList().stream().map(Pm2Process::pid).toList());
        events.clear();
        return daemonPid();
    }

    /** v1 of every service, deployed as release r1 in steps, and answering. */
    private long deployV1InSteps() {
        HostRelease v1 = release(topology("1", "200ms", Map.of()), bus(e -> { }));
        v1.begin("r1", LEASE, DeployOptions.defaults());
        SERVICES.forEach(name -> assertThat(v1.service("r1", name, LEASE).status().ok()).as(name).isTrue());
        assertThat(v1.finish("r1", LEASE, deployed -> Optional.empty()).success()).isTrue();
        pids.addAll(sandbox.pm2().getProcessList().stream().map(Pm2Process::pid).toList());
        events.clear();
        return daemonPid();
    }

    /** Kills the daemon the first time {@code when} holds, and returns only once it is gone. */
    private Consumer<DeploymentEvent> killOnce(Kill kill, java.util.function.Predicate<DeploymentEvent> when) {
        AtomicBoolean done = new AtomicBoolean();
        return event -> {
            if (when.test(event) && done.compareAndSet(false, true)) {
                pids.addAll(sandbox.pm2().getProcessList().stream().map(Pm2Process::pid).toList());
                killDaemon(kill);
            }
        };
    }

    private void killDaemon(Kill kill) {
        long daemon = daemonPid();
        pids.add(daemon);
        switch (kill) {
            case PM2_KILL -> pm2Cli("kill");
            case SIGTERM -> ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroy);
            case SIGKILL -> ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
        }
        awaitDead(daemon);
    }

    /** The pm2 CLI on the sandbox's PM2_HOME, as a user runs it, to the end. */
    private void pm2Cli(String... args) {
        List<String> command = new ArrayList<>(List.of(Pm2Binary.resolve(null).toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(sandbox.dir().resolve("pm2-cli.out").toFile());
            pb.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
            pb.environment().put("PM2_HOME", sandbox.pm2Home().toString());
            Process process = pb.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("pm2 " + String.join(" ", args) + " did not finish within 60 s");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The running daemon's pid from its pid file, or 0. */
    private long daemonPid() {
        try {
            return Long.parseLong(java.nio.file.Files.readString(sandbox.pm2Home().resolve("pm2.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static void awaitDead(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ProcessLiveness.isAlive(pid)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process " + pid + " still runs 30 s after it was killed");
            }
            sleep(Duration.ofMillis(10));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every service answers /version as {@code version}, and PM2 (a new daemon: not {@code old}) runs each online. */
    private void assertEveryServiceAnswers(String version, long oldDaemon) {
        ports.forEach((name, port) -> assertThat(Sandbox.get(port, "/version")).as(name + " answers v" + version)
                .hasValueSatisfying(body -> assertThat(body).contains("\"" + version + "\"")));
        assertThat(daemonPid()).as("a new daemon").isPositive().isNotEqualTo(oldDaemon);
        assertThat(sandbox.pm2().getProcessList()).extracting(Pm2Process::name)
                .containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(sandbox.pm2().getProcessList()).allMatch(Pm2Process::isOnline);
    }

    private List<String> failures() {
        return events.stream().filter(e -> e instanceof DeploymentEvent.ServiceFailed)
                .map(e -> ((DeploymentEvent.ServiceFailed) e).reason()).toList();
    }

    @ParameterizedTest
    @EnumSource(value = Kill.class, names = {"PM2_KILL", "SIGTERM"})
    void aDaemonShutDownDuringADeployIsReportedAsSuchAndThePreviousReleaseRunsOnANewDaemon(Kill kill) {
        long oldDaemon = deployV1();
        Topology v2 = topology("2", "3s", Map.of());

        DeploymentResult result = orchestrator(v2, bus(killOnce(kill,
                e -> e instanceof ServiceDeployed d && d.service().equals("edge")))).deployAll();

        assertThat(result.rolledBack()).as("rolled back: %s", result.error()).isTrue();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.error()).contains("the PM2 daemon was stopped during the deployment")
                .doesNotContain("stopped on request");
        assertThat(failures()).isNotEmpty().noneMatch(reason -> reason.contains("stopped on request"));
        assertEveryServiceAnswers("1", oldDaemon);
    }

    @ParameterizedTest
    @EnumSource(Kill.class)
    void aDaemonKilledDuringTheRollbackIsReplacedAndEveryServiceIsRestoredOnTheNewOne(Kill kill) {
        long oldDaemon = deployV1();
        Topology v2 = topology("2", "200ms", Map.of("worker", Map.of("CRASH_ON_START", "1")));

        DeploymentResult result = orchestrator(v2, bus(killOnce(kill,
                e -> e instanceof ServiceRolledBack r && r.action().equals("restored")))).deployAll();

        assertThat(result.error()).startsWith("worker ").contains("exited with code 1");
        assertThat(result.rolledBack()).as("rolled back: %s", result.error()).isTrue();
        assertThat(result.exitCode()).isEqualTo(1);
        assertEveryServiceAnswers("1", oldDaemon);
    }

    @Test
    void aRestoredServiceThatRestartsBeforeTheRollbackEndsIsNamedAndTheExitCodeIsThree() {
        deployV1();
        Topology v2 = topology("2", "200ms", Map.of("worker", Map.of("CRASH_ON_START", "1")));
        AtomicBoolean done = new AtomicBoolean();
        Consumer<DeploymentEvent> crashEdge = event -> {
            if (event instanceof ServiceRolledBack r && r.service().equals("worker") && done.compareAndSet(false, true)) {
                // edge, restored first, crashes (SIGKILL) once everything else is restored; PM2 restarts it.
                Pm2Process edge = io.titan.deploy.testing.Sandbox.processes(sandbox.pm2(), "edge").get(0);
                ProcessHandle.of(edge.pid()).ifPresent(ProcessHandle::destroyForcibly);
                awaitDead(edge.pid());
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (io.titan.deploy.testing.Sandbox.processes(sandbox.pm2(), "edge").stream().allMatch(p -> p.restarts() == 0)
                        && System.nanoTime() < deadline) {
                    sleep(Duration.ofMillis(10));
                }
            }
        };

        DeploymentResult result = orchestrator(v2, bus(crashEdge)).deployAll();

        assertThat(result.rollbackFailed()).as("rollback failed: %s", result.error()).isTrue();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.error()).contains("edge").contains("restart");
        Map<String, ServiceOutcome> outcomes = new LinkedHashMap<>();
        result.services().forEach(o -> outcomes.put(o.name(), o));
        assertThat(outcomes.get("edge").status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(outcomes.get("edge").message()).contains("restart");
        assertThat(outcomes.get("api").status()).isEqualTo(ServiceStatus.ROLLED_BACK);
        assertThat(outcomes.get("feed").status()).isEqualTo(ServiceStatus.ROLLED_BACK);
        DeploymentEvent.RollbackCompleted completed = events.stream()
                .filter(e -> e instanceof DeploymentEvent.RollbackCompleted)
                .map(e -> (DeploymentEvent.RollbackCompleted) e).reduce((a, b) -> b).orElseThrow();
        assertThat(completed.success()).isFalse();
        assertThat(completed.message()).contains("edge").doesNotContain("api").doesNotContain("feed");
        // What edge printed since the rollback started it: that start's, not PM2's next one's (same words).
        List<OutputLine> edgeOutput = outcomes.get("edge").output();
        assertThat(edgeOutput.stream().map(OutputLine::text).filter(t -> t.contains(" listening on "))).hasSize(1);
        assertThat(outcomes.get("api").output()).isEmpty();
        int edgeFailed = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof ServiceRolledBack r && r.service().equals("edge")) {
                edgeFailed = i;
            }
        }
        assertThat(events.get(edgeFailed + 1)).isInstanceOfSatisfying(DeploymentEvent.ServiceOutput.class,
                output -> assertThat(output.lines()).isEqualTo(edgeOutput));
    }

    @Test
    void pm2KillDuringReleaseServiceIsReportedAsTheDaemonStoppingAndReleaseAbortRestoresEveryService() {
        long oldDaemon = deployV1InSteps();
        HostRelease v2 = release(topology("2", "1s", Map.of()), bus(killOnce(Kill.PM2_KILL,
                e -> e instanceof ServiceDeployed d && d.service().equals("api"))));
        v2.begin("r2", LEASE, DeployOptions.defaults());
        assertThat(v2.service("r2", "edge", LEASE).status()).isEqualTo(ServiceStatus.DEPLOYED);

        ServiceOutcome api = v2.service("r2", "api", LEASE);

        assertThat(api.status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(api.message()).contains("the PM2 daemon was stopped during the deployment")
                .doesNotContain("stopped on request");
        DeploymentResult aborted = v2.abort("r2", "api failed");
        assertThat(aborted.rolledBack()).as("rolled back: %s", aborted.error()).isTrue();
        assertEveryServiceAnswers("1", oldDaemon);
    }

    @Test
    void aDaemonKilledDuringReleaseAbortIsReplacedAndTheAbortRestoresEveryServiceOnTheNewOne() {
        long oldDaemon = deployV1InSteps();
        HostRelease v2 = release(topology("2", "200ms", Map.of()), bus(killOnce(Kill.SIGKILL,
                e -> e instanceof ServiceRolledBack r && r.action().equals("restored"))));
        v2.begin("r2", LEASE, DeployOptions.defaults());
        assertThat(v2.service("r2", "edge", LEASE).status()).isEqualTo(ServiceStatus.DEPLOYED);
        assertThat(v2.service("r2", "api", LEASE).status()).isEqualTo(ServiceStatus.DEPLOYED);

        DeploymentResult aborted = v2.abort("r2", "stopped by the pipeline");

        assertThat(aborted.rolledBack()).as("rolled back: %s", aborted.error()).isTrue();
        assertEveryServiceAnswers("1", oldDaemon);
    }
}
