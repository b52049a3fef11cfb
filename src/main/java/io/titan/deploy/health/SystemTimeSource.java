package io.titan.deploy.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@link TimeSource#system()}; a separate class because an interface cannot hold a private one. */
final class SystemTimeSource implements TimeSource {

    static final SystemTimeSource INSTANCE = new SystemTimeSource();

    private SystemTimeSource() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }

    @Override
    public String toString() {
        return "TimeSource.system()";
    }
}
