package io.titan.deploy.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Measures a service's {@link Downtime} while it is replaced: its health check, probed every
 * {@link #INTERVAL} on a thread of its own from {@link #start} to {@link #finish}, each probe on a
 * new connection (as a client that connects after the old process went would). The first probe
 * runs at once on the caller's thread: a service that does not answer it was not serving, and
 * nothing more is probed.
 */
public final class DowntimeProbe implements AutoCloseable {

    /** How often the health check is probed during a replacement. */
    public static final Duration INTERVAL = Duration.ofMillis(20);
    /** The longest a probe may take: one that takes longer counts as failed. */
    public static final Duration MAX_ATTEMPT = Duration.ofSeconds(1);

    private final HealthProbe probe;
    private final Duration attemptTimeout;
    private final Clock clock;
    private final Object lock = new Object();
    private final Thread thread;
    private final String notServing;
    private Instant lastGood;
    private Instant longestFrom;
    private Instant longestUntil;
    private int failedInRun;
    private int failed;
    private volatile boolean stopped;

    private DowntimeProbe(HealthProbe probe, Duration attemptTimeout, Clock clock, String name) {
        this.probe = probe;
        this.attemptTimeout = attemptTimeout.compareTo(MAX_ATTEMPT) > 0 ? MAX_ATTEMPT : attemptTimeout;
        this.clock = clock;
        boolean serving = probe != null && probe.probe(this.attemptTimeout).healthy();
        this.notServing = probe == null ? Downtime.NO_HEALTH_CHECK : serving ? null : Downtime.NOT_SERVING;
        this.lastGood = clock.instant();
        this.thread = new Thread(this::loop, "titan-downtime-" + name);
        this.thread.setDaemon(true);
        if (serving) {
            thread.start();
        }
    }

    /**
     * Starts measuring {@code name}'s downtime with its health check {@code probe} (null when it has
     * none: then nothing is measured).
     *
     * @param attemptTimeout the timeout of one probe (its health timeout), at most {@link #MAX_ATTEMPT}
     */
    public static DowntimeProbe start(String name, HealthProbe probe, Duration attemptTimeout, Clock clock) {
        return new DowntimeProbe(probe, Checks.positive(attemptTimeout, "attemptTimeout"), clock, name);
    }

    private void loop() {
        while (!stopped) {
            long started = System.nanoTime();
            boolean good = probe.probe(attemptTimeout).healthy();
            Instant at = clock.instant();
            synchronized (lock) {
                if (good) {
                    if (failedInRun > 0 && (longestFrom == null
                            || Duration.between(lastGood, at).compareTo(Duration.between(longestFrom, longestUntil)) > 0)) {
                        longestFrom = lastGood;
                        longestUntil = at;
                    }
                    lastGood = at;
                    failedInRun = 0;
                } else {
                    failedInRun++;
                    failed++;
                }
                lock.notifyAll();
            }
            long pause = INTERVAL.toNanos() - (System.nanoTime() - started);
            if (pause > 0) {
                try {
                    Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Stops measuring once the service answers again (at most {@code settle} from now: the engine's
     * own health gate may have passed a moment before this probe saw an answer) and says what was
     * measured. A stretch without an answer that is still open then ends now.
     */
    public Downtime finish(Duration settle) throws InterruptedException {
        if (notServing != null) {
            return Downtime.notMeasured(notServing);
        }
        long deadline = System.nanoTime() + settle.toNanos();
        synchronized (lock) {
            while (failedInRun > 0 && deadline - System.nanoTime() > 0) {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, deadline - System.nanoTime());
            }
        }
        close();
        synchronized (lock) {
            if (failedInRun > 0) {
                Instant now = clock.instant();
                if (longestFrom == null || Duration.between(lastGood, now).compareTo(Duration.between(longestFrom, longestUntil)) > 0) {
                    longestFrom = lastGood;
                    longestUntil = now;
                }
            }
            return longestFrom == null ? Downtime.none(failed) : new Downtime(longestFrom, longestUntil, failed, null);
        }
    }

    /** Stops probing without a result (the replacement failed). */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(MAX_ATTEMPT.toMillis() + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
