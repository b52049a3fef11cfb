package io.titan.deploy.health;

import java.time.Duration;

/**
 * The clock and the sleep that waiting logic uses. Injected so that tests of timeouts and backoff
 * run on a fake clock and never sleep.
 */
public interface TimeSource {

    /** A monotonic reading in nanoseconds, like {@link System#nanoTime()}: only differences mean anything. */
    long nanoTime();

    /** Blocks for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** The real clock: {@link System#nanoTime()} and {@link Thread#sleep}. */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}
