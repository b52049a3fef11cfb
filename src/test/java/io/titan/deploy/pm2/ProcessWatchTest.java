package io.titan.deploy.pm2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link ProcessWatch} tells a daemon shutting down from a stop someone asked for, fed the
 * events pm2 7.0.4 publishes (see DaemonBus): a {@code pm2 kill} stops every app (an {@code exit}
 * with status {@code stopping} each), then announces {@code pm2:kill} and closes its sockets; a
 * {@code pm2 stop} stops one app and the daemon runs on.
 */
class ProcessWatchTest {

    /** A grace no test waits out unless it means to. */
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final String STOPPED = "stopped: " + ProcessWatch.DAEMON_STOPPED;

    private final List<ProcessEvents.Listener> listeners = new CopyOnWriteArrayList<>();
    private final ProcessEvents source = listener -> {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    };
    private ProcessWatch watch;

    @BeforeEach
    void watchApi() {
        watch = new ProcessWatch(source, LONG);
        watch.watch("api", List.of(process("api", "uid-api")));
    }

    private static Pm2Process process(String name, String uniqueId) {
        return new Pm2Process(name, 0, 1234, Pm2Status.ONLINE, 0, 0, null, 0, 0, null, Path.of("/srv/s.js"),
                Path.of("/srv"), uniqueId);
    }

    private void exit(String name, String uniqueId, Pm2Status status, int code) {
        ProcessEvent event = new ProcessEvent("exit", name, 0, uniqueId, status, 0, code, false, Instant.now());
        listeners.forEach(l -> l.event(event));
    }

    @Test
    void aStopFromOutsideIsNotReportedUntilTheDaemonAnnouncesItsShutdownThenItIsTheDaemonStopping() {
        exit("web", "uid-web", Pm2Status.STOPPING, 0);
        exit("api", "uid-api", Pm2Status.STOPPING, 0);

        assertThat(watch.problem("api")).as("could still be the daemon going").isEmpty();
        assertThat(watch.daemonLost()).isEmpty();

        listeners.forEach(l -> l.stopping("pm2 has been killed via CLI"));

        assertThat(watch.problem("api")).hasValue(STOPPED + " (pm2 has been killed via CLI)");
        assertThat(watch.daemonLost()).hasValue(ProcessWatch.DAEMON_STOPPED + " (pm2 has been killed via CLI)");
    }

    @Test
    void aStopFromOutsideIsAStopOnRequestOnceTheDaemonRanOnForItsGrace() throws Exception {
        watch = new ProcessWatch(source, Duration.ofMillis(50));
        watch.watch("api", List.of(process("api", "uid-api")));
        exit("api", "uid-api", Pm2Status.STOPPING, 0);

        // Even asked to wait for nothing, the watch settles what it has seen before it answers.
        Optional<String> problem = watch.awaitProblem("api", Duration.ZERO);

        assertThat(problem).hasValueSatisfying(text -> assertThat(text).startsWith("was stopped on request"));
        assertThat(watch.daemonLost()).isEmpty();
    }

    @Test
    void aCrashBeforeTheDaemonShutsDownIsReportedAsTheCrash() {
        exit("api", "uid-api", Pm2Status.ERRORED, 1);
        listeners.forEach(l -> l.stopping("pm2 has been killed by SIGNAL"));

        assertThat(watch.problem("api")).hasValue("exited with code 1");
    }

    @Test
    void anAnnouncedShutdownIsReportedForEveryWatchedAppBeforeItsOwnExitComes() {
        listeners.forEach(l -> l.stopping("pm2 has been killed by SIGNAL"));

        assertThat(watch.problem("api")).hasValue(STOPPED + " (pm2 has been killed by SIGNAL)");
    }

    @Test
    void appsStoppedAndThenTheSocketsClosedWithoutAnAnnouncementIsTheDaemonStoppingToo() {
        exit("api", "uid-api", Pm2Status.STOPPING, 0);
        listeners.forEach(l -> l.closed("the PM2 daemon closed its event socket (was it killed?)"));

        assertThat(watch.problem("api")).hasValue(STOPPED + " (it stopped its apps, then closed its sockets)");
    }

    @Test
    void aDaemonKilledWithoutStoppingItsAppsIsALostDaemon() {
        listeners.forEach(l -> l.closed("the PM2 daemon closed its event socket (was it killed?)"));

        assertThat(watch.problem("api")).hasValue("lost its PM2 daemon: the PM2 daemon closed its event socket"
                + " (was it killed?)");
        assertThat(watch.daemonLost()).hasValue("lost the PM2 daemon: the PM2 daemon closed its event socket"
                + " (was it killed?)");
    }

    @Test
    void awaitVerdictHoldsAStartBackUntilTheStopFromOutsideIsSettled() throws Exception {
        watch.awaitVerdict(LONG);
        exit("api", "uid-api", Pm2Status.STOPPING, 0);
        CompletableFuture<Optional<String>> held = new CompletableFuture<>();
        Thread start = new Thread(() -> {
            try {
                watch.awaitVerdict(LONG);
                held.complete(watch.daemonLost());
            } catch (InterruptedException e) {
                held.completeExceptionally(e);
            }
        });
        start.start();
        while (start.getState() != Thread.State.TIMED_WAITING) {
            assertThat(held).as("returned while the stop was unsettled").isNotDone();
            Thread.onSpinWait();
        }

        listeners.forEach(l -> l.stopping("pm2 has been killed via CLI"));

        assertThat(held.get(30, TimeUnit.SECONDS)).as("what the held start sees once released")
                .hasValue(ProcessWatch.DAEMON_STOPPED + " (pm2 has been killed via CLI)");
    }

    @Test
    void theStopOfAnAppThatIsNotWatchedHoldsNothingBack() throws Exception {
        exit("web", "uid-web", Pm2Status.STOPPING, 0);

        watch.awaitVerdict(LONG);

        assertThat(watch.problem("api")).isEmpty();
    }
}
