package io.titan.deploy.pm2;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.testing.Integration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.titan.deploy.pm2.Pm2TestSupport.freePort;
import static io.titan.deploy.pm2.Pm2TestSupport.health;
import static io.titan.deploy.pm2.Pm2TestSupport.standIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every daemon call the engine makes, against real pm2 7.0.4 on a temp PM2_HOME: ping, getVersion
 * and getMonitorData on a connection of the test's own, prepare, restartProcessId, stopProcessId and
 * deleteProcessId through {@link Pm2Manager}, and notifyKillPM2 + killMe through
 * {@link Pm2Manager#kill()}. Latencies are printed to the surefire output file, not asserted.
 */
@Integration
class DaemonCallsIntegrationTest {

    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    static Path home;
    private static Pm2Manager pm2;
    private static DaemonRpc rpc;
    private static final List<Long> PIDS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startDaemon() throws Exception {
        pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled(), Duration.ofSeconds(30));
        pm2.initialize();
        rpc = DaemonRpc.connect(Pm2Sockets.rpc(home));
    }

    @AfterAll
    static void killDaemon() {
        rpc.close();
        pm2.getProcessList().forEach(process -> PIDS.add(process.pid()));
        long daemon = Pm2Manager.daemonPid(home);
        pm2.kill();
        assertThat(ProcessLiveness.isAlive(daemon)).isFalse();
        assertThat(PIDS).noneMatch(ProcessLiveness::isAlive);
    }

    @Test
    void pingAnswersPong() {
        assertThat(rpc.call("ping", QUICK, Map.of()).path(0).path("msg").asText()).isEqualTo("pong");
        assertThat(pm2.ping()).isTrue();
        printLatency("ping", () -> rpc.call("ping", QUICK, Map.of()));
    }

    @Test
    void getVersionAnswersThePinnedVersion() throws Exception {
        String pinned = new ObjectMapper().readTree(Pm2TestSupport.PROJECT.resolve("node_modules/pm2/package.json")
                .toFile()).path("version").asText();

        assertThat(rpc.call("getVersion", QUICK, Map.of()).path(0).asText()).isEqualTo(pinned).isEqualTo("7.0.4");
        printLatency("getVersion", () -> rpc.call("getVersion", QUICK, Map.of()));
    }

    @Test
    void getMonitorDataListsEveryProcessWithItsEnvironment() {
        int port = freePort();
        track(pm2.start(standIn("dc-list", port).env("ONLY_HERE", "yes").build()));

        JsonNode list = rpc.call("getMonitorData", QUICK, Map.of()).path(0);

        assertThat(list.isArray()).isTrue();
        JsonNode entry = Jlist.apps(list).stream().filter(node -> Jlist.name(node).equals("dc-list")).findFirst()
                .orElseThrow();
        assertThat(entry.path("pm2_env").path("env").path("ONLY_HERE").asText()).isEqualTo("yes");
        assertThat(entry.path("pid").asLong()).isPositive();
        assertThat(io.titan.deploy.testing.Sandbox.processes(pm2, "dc-list")).singleElement().satisfies(process -> {
            assertThat(process.status()).isEqualTo(Pm2Status.ONLINE);
            assertThat(process.uniqueId()).isEqualTo(entry.path("pm2_env").path("unique_id").asText());
        });
        printLatency("getMonitorData (" + list.size() + " processes)",
                () -> rpc.call("getMonitorData", QUICK, Map.of()));
    }

    @Test
    void prepareStartsEveryAppOfAStartAllAtOnceInForkAndClusterMode() {
        int forkPort = freePort();
        int clusterPort = freePort();

        long start = System.nanoTime();
        List<Pm2Process> started = pm2.startAll(List.of(
                standIn("dc-fork", forkPort).build(),
                standIn("dc-cluster", clusterPort).instances(2).build()));
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        track(started);

        assertThat(started).extracting(Pm2Process::name).containsExactlyInAnyOrder("dc-fork", "dc-cluster",
                "dc-cluster");
        assertThat(started).allSatisfy(process -> {
            assertThat(process.pid()).isPositive();
            assertThat(ProcessLiveness.isAlive(process.pid())).isTrue();
            assertThat(process.uniqueId()).isNotBlank();
        });
        assertThat(started.stream().filter(process -> process.name().equals("dc-cluster")).map(Pm2Process::pmId)
                .distinct()).hasSize(2);
        assertThat(io.titan.deploy.testing.Sandbox.processes(pm2, "dc-cluster")).hasSize(2);
        await().until(() -> health(forkPort).isPresent() && health(clusterPort).isPresent());
        System.out.printf("prepare x2 (startAll of a fork app and a 2-instance cluster app, with its"
                + " getMonitorData): %.1f ms%n", micros / 1000.0);
    }

    @Test
    void restartProcessIdReplacesTheProcessOfTheSameStart() {
        int port = freePort();
        Pm2Process before = only(track(pm2.start(standIn("dc-restart", port).build())));
        await().until(() -> health(port).isPresent());

        long micros = timed(() -> rpc.call("restartProcessId", Duration.ofSeconds(30), Map.of("id", before.pmId())));

        Pm2Process after = io.titan.deploy.testing.Sandbox.processes(pm2, "dc-restart").get(0);
        PIDS.add(after.pid());
        assertThat(after.pid()).isPositive().isNotEqualTo(before.pid());
        assertThat(ProcessLiveness.isAlive(before.pid())).isFalse();
        assertThat(after.restarts()).isEqualTo(1);
        assertThat(after.uniqueId()).as("a restart is the same start").isEqualTo(before.uniqueId());
        await().until(() -> health(port).isPresent());
        System.out.printf("restartProcessId: %.1f ms%n", micros / 1000.0);
    }

    @Test
    void stopProcessIdStopsTheProcessAndKeepsTheApp() {
        int port = freePort();
        Pm2Process running = only(track(pm2.start(standIn("dc-stop", port).build())));
        await().until(() -> health(port).isPresent());

        long micros = timed(() -> pm2.stop("dc-stop"));

        assertThat(ProcessLiveness.isAlive(running.pid())).isFalse();
        assertThat(io.titan.deploy.testing.Sandbox.processes(pm2, "dc-stop")).singleElement().satisfies(process -> {
            assertThat(process.status()).isEqualTo(Pm2Status.STOPPED);
            assertThat(process.pid()).isZero();
        });
        System.out.printf("stopProcessId (Pm2Manager.stop, SIGINT to exit, with its getMonitorData): %.1f ms%n",
                micros / 1000.0);
    }

    @Test
    void deleteProcessIdStopsAndForgetsTheApp() {
        int port = freePort();
        Pm2Process running = only(track(pm2.start(standIn("dc-delete", port).build())));
        await().until(() -> health(port).isPresent());

        long micros = timed(() -> pm2.delete("dc-delete"));

        assertThat(ProcessLiveness.isAlive(running.pid())).isFalse();
        assertThat(io.titan.deploy.testing.Sandbox.processes(pm2, "dc-delete")).isEmpty();
        assertThat(java.util.Optional.ofNullable(pm2.snapshot().definitions().get("dc-delete"))).isEmpty();
        System.out.printf("deleteProcessId (Pm2Manager.delete, with its getMonitorData): %.1f ms%n", micros / 1000.0);
    }

    @Test
    void theDaemonRefusesAnUnknownMethodAndAnUnknownIdNamingTheCall() {
        assertThatThrownBy(() -> rpc.call("x", QUICK, Map.of()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessage("PM2 daemon refused x: method \"x\" does not exist");
        assertThatThrownBy(() -> rpc.call("restartProcessId", QUICK, Map.of("id", 4242)))
                .isInstanceOf(Pm2Exception.class)
                .hasMessage("PM2 daemon refused restartProcessId: God db process id unknown");
        assertThatThrownBy(() -> rpc.call("stopProcessId", QUICK, 4242))
                .isInstanceOf(Pm2Exception.class)
                .hasMessage("PM2 daemon refused stopProcessId: 4242 : id unknown");
        assertThat(rpc.isOpen()).isTrue();
    }

    @Test
    void killDeletesEveryAppThenEndsTheDaemon(@TempDir Path otherHome) throws Exception {
        Pm2Manager doomed = new Pm2Manager(Pm2TestSupport.PM2, otherHome, LogRotation.disabled(),
                Duration.ofSeconds(30));
        doomed.initialize();
        long daemon = Pm2Manager.daemonPid(otherHome);
        List<Pm2Process> started = doomed.startAll(List.of(standIn("dc-kill-a", freePort()).build(),
                standIn("dc-kill-b", freePort()).instances(2).build()));
        List<Long> pids = new ArrayList<>(started.stream().map(Pm2Process::pid).toList());
        pids.add(daemon);
        try (DaemonRpc other = DaemonRpc.connect(Pm2Sockets.rpc(otherHome));
             ProcessWatch watch = doomed.watch()) {
            watch.watch("dc-kill-a", started);

            long micros = timed(doomed::kill);

            assertThat(pids).noneMatch(ProcessLiveness::isAlive);
            assertThat(doomed.isDaemonRunning()).isFalse();
            assertThat(doomed.getProcessList()).isEmpty();
            assertThat(Pm2Sockets.rpc(otherHome)).as("the daemon removes its sockets when told to exit")
                    .doesNotExist();
            assertThat(otherHome.resolve("pm2.pid")).doesNotExist();
            await().atMost(QUICK).until(() -> !other.isOpen());
            // The apps are deleted, then the daemon announces its shutdown: the stops were the daemon's.
            assertThat(watch.problem("dc-kill-a")).hasValue("stopped: " + ProcessWatch.DAEMON_STOPPED
                    + " (pm2 has been killed via CLI)");
            System.out.printf("kill (notifyKillPM2, getMonitorData, 3 x deleteProcessId, killMe, wait for"
                    + " exit): %.1f ms%n", micros / 1000.0);
        } finally {
            doomed.kill();
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        long again = timed(doomed::kill);
        assertThat(again).as("a second kill finds no daemon and does nothing").isLessThan(5_000_000);
    }

    private static List<Pm2Process> track(List<Pm2Process> started) {
        started.forEach(process -> PIDS.add(process.pid()));
        return started;
    }

    private static Pm2Process only(List<Pm2Process> processes) {
        assertThat(processes).hasSize(1);
        return processes.get(0);
    }

    private static long timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    }

    /** Times 50 calls after 5 to warm up; prints median, p95 and max. */
    private static void printLatency(String what, Supplier<?> call) {
        for (int i = 0; i < 5; i++) {
            call.get();
        }
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long start = System.nanoTime();
            call.get();
            micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
        }
        Collections.sort(micros);
        System.out.printf("%s over its own connection: median %.2f ms, p95 %.2f ms, max %.2f ms (50 calls)%n", what,
                micros.get(25) / 1000.0, micros.get(47) / 1000.0, micros.get(49) / 1000.0);
    }
}
