package io.titan.deploy.pm2;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.testing.Integration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.titan.deploy.pm2.Pm2TestSupport.freePort;
import static io.titan.deploy.pm2.Pm2TestSupport.health;
import static io.titan.deploy.pm2.Pm2TestSupport.standIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ProcessWatch} against real pm2 7.0.4: what the daemon's events say about a start, what
 * losing the daemon does to the watch and to a call in flight, and the last lines an app printed,
 * from the daemon's log events and, for a watch that heard none of them, from the app's merged,
 * timestamped PM2 log files. Latencies are printed (in the
 * surefire output file), not asserted.
 */
@Integration
class ProcessWatchIntegrationTest {

    private static final String KILLED = "exited with code 0 or was killed by a signal (PM2 reports both as 0)";
    private static final String SECRET = "s3cr3t-tok-5b1f";
    private static final String CUT = "... [cut: 3,000 characters in all]";

    @TempDir
    static Path home;
    @TempDir
    static Path work;
    private static Pm2Manager pm2;
    /** Every pid of every app these tests started, to prove none is left behind. */
    private static final List<Long> PIDS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startDaemon() {
        pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled(), Duration.ofSeconds(30));
        pm2.initialize();
    }

    @AfterEach
    void deleteApps() {
        for (Pm2Process process : pm2.getProcessList()) {
            PIDS.add(process.pid());
            pm2.deleteIfPresent(process.name());
        }
    }

    @AfterAll
    static void killDaemon() {
        long daemon = Pm2Manager.daemonPid(home);
        pm2.kill();
        assertThat(ProcessLiveness.isAlive(daemon)).isFalse();
        assertThat(PIDS).noneMatch(ProcessLiveness::isAlive);
    }

    /** How fast: bench/ (scenario 9, a crash of a starting service). Here: what the watch makes of PM2's exit event. */
    @Test
    void reportsAStartedAppThatCrashes() throws Exception {
        int port = freePort();
        try (ProcessWatch watch = pm2.watch()) {
            List<Pm2Process> started = pm2.start(standIn("pw-crash", port).env("CRASH_AFTER_MS", "800").build());
            track(started);
            watch.watch("pw-crash", started);
            assertThat(started).allSatisfy(process -> assertThat(process.uniqueId()).isNotBlank());

            assertThat(watch.awaitProblem("pw-crash", Duration.ofSeconds(20))).hasValue("exited with code 1");
        }
    }

    @Test
    void reportsAnAppKilledBySignal() throws Exception {
        int port = freePort();
        try (ProcessWatch watch = pm2.watch()) {
            List<Pm2Process> started = pm2.start(standIn("pw-sigkill", port).build());
            track(started);
            watch.watch("pw-sigkill", started);
            await().until(() -> health(port).isPresent());
            assertThat(watch.problem("pw-sigkill")).isEmpty();

            ProcessHandle.of(started.get(0).pid()).orElseThrow().destroyForcibly();

            assertThat(watch.awaitProblem("pw-sigkill", Duration.ofSeconds(20))).hasValue(KILLED);
        }
    }

    @Test
    void reportsAStopFromOutsideAsAStopNotAsACrash() throws Exception {
        int port = freePort();
        try (ProcessWatch watch = pm2.watch()) {
            List<Pm2Process> started = pm2.start(standIn("pw-outside", port).build());
            track(started);
            watch.watch("pw-outside", started);
            await().until(() -> health(port).isPresent());

            new Pm2Cli(Pm2TestSupport.PM2, home, System.getenv())
                    .run(List.of("stop", "pw-outside"), Duration.ofSeconds(30), java.util.Map.of(), List.of());

            assertThat(watch.awaitProblem("pw-outside", Duration.ofSeconds(10)))
                    .hasValueSatisfying(text -> assertThat(text).startsWith("was stopped on request"));
        }
    }

    /**
     * The watch hears PM2's events through the test's own subscription, each event before the test
     * does: once the test has seen the replaced app's exit, so has the watch, and it has nothing to
     * say about it.
     */
    @Test
    void doesNotReportTheExitOfTheAppANewStartReplaced() throws Exception {
        int port = freePort();
        List<Pm2Process> first = pm2.start(standIn("pw-replace", port).build());
        track(first);
        await().until(() -> health(port).map(body -> body.contains("\"version\":\"1\"")).orElse(false));
        List<ProcessEvent> events = new CopyOnWriteArrayList<>();
        try (DaemonBus bus = DaemonBus.connect(Pm2Sockets.pub(home));
             ProcessWatch watch = new ProcessWatch(listener -> bus.listen(heardFirstBy(listener, events)))) {

            List<Pm2Process> second = pm2.start(standIn("pw-replace", port).env("SERVICE_VERSION", "2").build());
            track(second);
            watch.watch("pw-replace", second);

            // PM2 hands the replacement the pm_id the old one had: only unique_id tells them apart.
            assertThat(second.get(0).pmId()).isEqualTo(first.get(0).pmId());
            assertThat(second.get(0).uniqueId()).isNotEqualTo(first.get(0).uniqueId());
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(event ->
                    first.get(0).uniqueId().equals(event.uniqueId()) && event.ended()));
            assertThat(watch.problem("pw-replace")).isEmpty();
            await().until(() -> health(port).map(body -> body.contains("\"version\":\"2\"")).orElse(false));
            assertThat(watch.problem("pw-replace")).isEmpty();

            // And the watch is not blind: the new one's own end is reported.
            ProcessHandle.of(second.get(0).pid()).orElseThrow().destroyForcibly();
            assertThat(watch.awaitProblem("pw-replace", Duration.ofSeconds(20))).hasValue(KILLED);
        }
    }

    @Test
    void reportsTheLostDaemonAndFailsAPendingCallAtOnceWhenTheDaemonIsKilled(@TempDir Path otherHome)
            throws Exception {
        Pm2Manager doomed = new Pm2Manager(Pm2TestSupport.PM2, otherHome, LogRotation.disabled(),
                Duration.ofSeconds(30));
        List<Long> pids = new ArrayList<>();
        try {
            doomed.initialize();
            long daemon = Pm2Manager.daemonPid(otherHome);
            pids.add(daemon);
            // Ignores SIGINT, so that a stop waits its whole kill_timeout: a call the daemon holds.
            Path ready = work.resolve("stubborn.ready");
            Path stubborn = Files.writeString(work.resolve("stubborn.js"),
                    "process.on('SIGINT', () => {});\nsetInterval(() => {}, 1000);\n"
                            + "require('fs').writeFileSync(process.env.READY_FILE, 'ignoring SIGINT');\n");
            try (ProcessWatch watch = doomed.watch()) {
                List<Pm2Process> started = doomed.start(Pm2App.builder("pw-stubborn", stubborn)
                        .env("READY_FILE", ready.toString()).killTimeout(Duration.ofSeconds(20)).build());
                started.forEach(process -> pids.add(process.pid()));
                watch.watch("pw-stubborn", started);
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
                CompletableFuture<Throwable> stop = CompletableFuture.supplyAsync(() -> {
                    try {
                        doomed.stop("pw-stubborn");
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> io.titan.deploy.testing.Sandbox.processes(doomed, "pw-stubborn").stream()
                        .anyMatch(process -> process.status() == Pm2Status.STOPPING));
                assertThat(stop).isNotDone();

                ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
                Throwable failure = stop.get(30, TimeUnit.SECONDS);
                Optional<String> problem = watch.awaitProblem("pw-stubborn", Duration.ofSeconds(10));

                // The call failed for the lost connection, not at its own 30 s timeout (the app's
                // kill_timeout is 20 s): a timeout would say "did not answer".
                assertThat(failure).isInstanceOf(Pm2Exception.class)
                        .hasMessageContaining("lost the connection to the PM2 daemon")
                        .hasMessageContaining("stopProcessId");
                assertThat(problem).hasValueSatisfying(text -> assertThat(text).startsWith("lost its PM2 daemon"));
                assertThat(watch.problem("pw-stubborn")).isEqualTo(problem);
                assertThat(doomed.isDaemonRunning()).isFalse();
            }
        } finally {
            doomed.kill();
            // A daemon killed by SIGKILL may leave its apps running as orphans: end them here.
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(ProcessLiveness::isAlive));
        }
    }

    /** A watch on a source that never says anything: what it shows comes from the log files alone. */
    private static ProcessWatch deaf() {
        return new ProcessWatch(listener -> () -> { }, home);
    }

    private static List<String> texts(List<OutputLine> lines) {
        return lines.stream().map(l -> l.stream().value() + " " + l.text()).toList();
    }

    @Test
    void keepsTheLastLinesOfACrashingAppSecretsMaskedFromTheEventsAndFromTheFilesAlike() throws Exception {
        Pm2App app = standIn("pw-out-crash", freePort()).autorestart(false).env("TOKEN", SECRET).env("PRINT_VAR", "TOKEN")
                .env("PRINT_LINES", "30").env("CRASH_ON_START", "1").build();
        try (ProcessWatch watch = pm2.watch(); ProcessWatch files = deaf()) {
            watch.keepOutput("pw-out-crash", 5, Set.of(SECRET));
            files.keepOutput("pw-out-crash", 5, Set.of(SECRET));
            watch.watch("pw-out-crash", pm2.start(app));

            assertThat(watch.awaitProblem("pw-out-crash", Duration.ofSeconds(20))).hasValue("exited with code 1");
            List<OutputLine> events = watch.output("pw-out-crash");
            await().atMost(Duration.ofSeconds(10)).until(() -> texts(files.output("pw-out-crash"))
                    .contains("err stand-in pw-out-crash: CRASH_ON_START=1, exiting"));
            List<OutputLine> fromFiles = files.output("pw-out-crash");

            for (List<OutputLine> lines : List.of(events, fromFiles)) {
                assertThat(lines).hasSize(5);
                assertThat(texts(lines)).contains("err stand-in pw-out-crash: CRASH_ON_START=1, exiting",
                        "out stand-in pw-out-crash: line 30 of 30").doesNotContain("out stand-in pw-out-crash: line 25 of 30");
                assertThat(lines).allSatisfy(line -> assertThat(line.text()).doesNotContain(SECRET)
                        .doesNotContain("2026-").hasSizeLessThanOrEqualTo(OutputLine.MAX_CHARS));
            }
        }
    }

    @Test
    void showsBinaryAndInvalidUtf8OutputEscapedAndCutsALongLine() throws Exception {
        // NUL, ^A, an ANSI colour, markup, bytes that are not UTF-8, U+FFFE and U+2028, then 3,000 'A's.
        String hex = "00011b5b33316d3c2f7072653e26fffe80efbfbee280a8" + "0a" + "41".repeat(3000) + "0a";
        Pm2App app = standIn("pw-out-binary", freePort()).autorestart(false).env("PRINT_HEX", hex)
                .env("CRASH_ON_START", "1").build();
        try (ProcessWatch watch = pm2.watch(); ProcessWatch files = deaf()) {
            watch.keepOutput("pw-out-binary", 10, Set.of());
            files.keepOutput("pw-out-binary", 10, Set.of());
            watch.watch("pw-out-binary", pm2.start(app));
            assertThat(watch.awaitProblem("pw-out-binary", Duration.ofSeconds(20))).isPresent();
            await().atMost(Duration.ofSeconds(10)).until(() -> files.output("pw-out-binary").size() == 3);

            for (List<OutputLine> lines : List.of(watch.output("pw-out-binary"), files.output("pw-out-binary"))) {
                List<String> out = lines.stream().filter(l -> l.stream() == OutputLine.Stream.OUT)
                        .map(OutputLine::text).toList();
                // PM2 decodes the app's bytes as UTF-8 before it publishes or writes them: what is not
                // UTF-8 arrives as U+FFFD.
                assertThat(out).containsExactly("\\x00\\x01\\x1b[31m</pre>&\ufffd\ufffd\ufffd\\ufffe\\u2028",
                        "A".repeat(OutputLine.MAX_CHARS - CUT.length()) + CUT);
            }
        }
    }

    /** Hands each event to {@code first}, then keeps it in {@code events}. */
    private static DaemonBus.Listener heardFirstBy(ProcessEvents.Listener first, List<ProcessEvent> events) {
        return new DaemonBus.Listener() {
            @Override
            public void event(ProcessEvent event) {
                first.event(event);
                events.add(event);
            }

            @Override
            public void output(String app, OutputLine.Stream stream, java.time.Instant at, String data) {
                first.output(app, stream, at, data);
            }

            @Override
            public void stopping(String why) {
                first.stopping(why);
            }

            @Override
            public void closed(String why) {
                first.closed(why);
            }
        };
    }

    private static void track(List<Pm2Process> started) {
        started.forEach(process -> PIDS.add(process.pid()));
    }
}
