package io.titan.deploy.pm2;

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

    @Test
    void reportsAStartedAppThatCrashesPromptly() throws Exception {
        int port = freePort();
        Path ready = work.resolve("crash.ready");
        try (ProcessWatch watch = pm2.watch()) {
            List<Pm2Process> started = pm2.start(standIn("pw-crash", port)
                    .env("CRASH_AFTER_MS", "800").env("READY_FILE", ready.toString()).build());
            track(started);
            watch.watch("pw-crash", started);
            assertThat(started).allSatisfy(process -> assertThat(process.uniqueId()).isNotBlank());

            Optional<String> problem = watch.awaitProblem("pw-crash", Duration.ofSeconds(20));
            long seen = System.currentTimeMillis();

            assertThat(problem).hasValue("exited with code 1");
            double crashedAt = Double.parseDouble(Files.readAllLines(ready).get(0)) + 800;
            System.out.printf("crash -> problem(): %.1f ms (exit 1 at listen + 800 ms, seen by awaitProblem)%n",
                    seen - crashedAt);
        }
    }

    @Test
    void reportsAnAppKilledBySignalPromptly() throws Exception {
        int port = freePort();
        try (ProcessWatch watch = pm2.watch()) {
            List<Pm2Process> started = pm2.start(standIn("pw-sigkill", port).build());
            track(started);
            watch.watch("pw-sigkill", started);
            await().until(() -> health(port).isPresent());
            assertThat(watch.problem("pw-sigkill")).isEmpty();

            long killed = System.nanoTime();
            ProcessHandle.of(started.get(0).pid()).orElseThrow().destroyForcibly();
            Optional<String> problem = watch.awaitProblem("pw-sigkill", Duration.ofSeconds(20));
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killed);

            assertThat(problem).hasValue(KILLED);
            System.out.printf("SIGKILL of the app -> problem(): %.1f ms%n", micros / 1000.0);
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

    @Test
    void doesNotReportTheExitOfTheAppANewStartReplaced() throws Exception {
        int port = freePort();
        List<Pm2Process> first = pm2.start(standIn("pw-replace", port).build());
        track(first);
        await().until(() -> health(port).map(body -> body.contains("\"version\":\"1\"")).orElse(false));
        List<ProcessEvent> events = new CopyOnWriteArrayList<>();
        try (DaemonBus observer = DaemonBus.connect(Pm2Sockets.pub(home));
             AutoCloseable ignored = observer.listen(listener(events));
             ProcessWatch watch = pm2.watch()) {

            List<Pm2Process> second = pm2.start(standIn("pw-replace", port).env("SERVICE_VERSION", "2").build());
            track(second);
            watch.watch("pw-replace", second);

            // PM2 hands the replacement the pm_id the old one had: only unique_id tells them apart.
            assertThat(second.get(0).pmId()).isEqualTo(first.get(0).pmId());
            assertThat(second.get(0).uniqueId()).isNotEqualTo(first.get(0).uniqueId());
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(event ->
                    first.get(0).uniqueId().equals(event.uniqueId()) && event.ended()));
            await().until(() -> health(port).map(body -> body.contains("\"version\":\"2\"")).orElse(false));
            assertThat(watch.awaitProblem("pw-replace", Duration.ofSeconds(1))).isEmpty();

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
                await().atMost(Duration.ofSeconds(10)).until(() -> doomed.find("pw-stubborn").stream()
                        .anyMatch(process -> process.status() == Pm2Status.STOPPING));
                assertThat(stop).isNotDone();

                long killed = System.nanoTime();
                ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
                Throwable failure = stop.get(30, TimeUnit.SECONDS);
                long callFailedMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killed);
                Optional<String> problem = watch.awaitProblem("pw-stubborn", Duration.ofSeconds(10));
                long problemMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killed);

                assertThat(failure).isInstanceOf(Pm2Exception.class)
                        .hasMessageContaining("lost the connection to the PM2 daemon")
                        .hasMessageContaining("stopProcessId");
                assertThat(callFailedMicros).as("the stop's timeout is 30 s, the app's kill_timeout 20 s")
                        .isLessThan(3_000_000);
                assertThat(problem).hasValueSatisfying(text -> assertThat(text).startsWith("lost its PM2 daemon"));
                assertThat(watch.problem("pw-stubborn")).isEqualTo(problem);
                assertThat(doomed.isDaemonRunning()).isFalse();
                System.out.printf("SIGKILL of the daemon -> pending stopProcessId failed: %.1f ms,"
                        + " problem(): %.1f ms%n", callFailedMicros / 1000.0, problemMicros / 1000.0);
                Thread.sleep(2000);
                System.out.printf("apps still running 2 s after the daemon's SIGKILL: %s%n",
                        started.stream().filter(process -> ProcessLiveness.isAlive(process.pid())).map(Pm2Process::pid)
                                .toList());
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

    private static DaemonBus.Listener listener(List<ProcessEvent> events) {
        return new DaemonBus.Listener() {
            @Override
            public void event(ProcessEvent event) {
                events.add(event);
            }

            @Override
            public void closed(String why) {
            }
        };
    }

    private static void track(List<Pm2Process> started) {
        started.forEach(process -> PIDS.add(process.pid()));
    }
}
