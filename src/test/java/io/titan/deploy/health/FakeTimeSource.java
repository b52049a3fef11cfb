package io.titan.deploy.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when told to or when something sleeps on it; records every sleep. */
final class FakeTimeSource implements TimeSource {

    private long nanos = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        // Behave like Thread.sleep towards a pending interrupt, without waiting.
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        sleeps.add(duration);
        nanos += duration.toNanos();
    }

    void advance(Duration duration) {
        nanos += duration.toNanos();
    }

    Duration elapsedSinceStart() {
        return Duration.ofNanos(nanos - 1_000_000_000L);
    }

    List<Duration> sleeps() {
        return sleeps;
    }
}
