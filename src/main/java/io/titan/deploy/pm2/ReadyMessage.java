package io.titan.deploy.pm2;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A process's {@code process.send('ready')} (a service with {@code readyMessage}, PM2's
 * {@code wait_ready}), as a {@link ProcessWatch} saw it on the daemon's bus. PM2 itself marks the
 * app online after {@code listen_timeout} without it; the engine does not: no message, no start.
 */
public final class ReadyMessage {

    /** How often a wait for a ready message looks at its stop reason between events. */
    private static final Duration RECHECK = Duration.ofMillis(100);

    private ReadyMessage() {
    }

    /**
     * Whether the process {@code pmId} of {@code name} said so since {@code watch} opened. pm_ids
     * are not reused while a process runs, so the message is that process's.
     */
    public static boolean seen(ProcessWatch watch, String name, int pmId) {
        return watch.events(name).stream().anyMatch(e -> e.event().equals(ProcessEvent.READY) && e.pmId() == pmId);
    }

    /**
     * Waits until the process {@code pmId} of {@code name} said so, at most {@code max}; gives up
     * early when {@code stop} has a reason, the watched start of {@code name} has a
     * {@link ProcessWatch#problem}, or the daemon went.
     *
     * @return whether it said so; when not, the caller's {@code stop} or the watch's problem tells
     *         why, or else {@code max} passed
     */
    public static boolean await(ProcessWatch watch, String name, int pmId, Duration max,
                                Supplier<Optional<String>> stop) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!seen(watch, name, pmId)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stop.get().isPresent() || watch.problem(name).isPresent()
                    || watch.daemonLost().isPresent()) {
                return false;
            }
            watch.pause(name, Duration.ofNanos(Math.min(left, RECHECK.toNanos())));
        }
        return true;
    }
}
