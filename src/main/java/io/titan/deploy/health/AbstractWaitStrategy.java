package io.titan.deploy.health;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Repeats attempts until one is healthy or the startup timeout passes, pausing by a
 * {@link Backoff} in between. Owns the startup timeout (default {@code 30 s}), the per-attempt
 * timeout (default {@code 5 s}, never longer than the time left), the backoff, the
 * {@link TimeSource} and an optional abort check. Subclasses supply one attempt.
 *
 * <p>After the first attempt, none is started with less than {@code 100 ms} (or the attempt
 * timeout, if shorter) left: the wait sleeps out the deadline instead.
 *
 * <p>Configure before use; the setters are not synchronized. {@link #waitUntilReady()} keeps its
 * progress in local variables, so a configured strategy can be waited on again.
 *
 * @param <S> the concrete type, so that setters chain without casts
 */
public abstract class AbstractWaitStrategy<S extends AbstractWaitStrategy<S>> implements WaitStrategy {

    /** How long {@link #waitUntilReady()} waits unless told otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** How long one attempt may take unless told otherwise. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration SHORTEST_USEFUL_ATTEMPT = Duration.ofMillis(100);

    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private Backoff backoff = Backoff.defaults();
    private TimeSource timeSource = TimeSource.system();
    private Supplier<Optional<String>> abortCheck = Optional::empty;

    /** For subclasses. */
    protected AbstractWaitStrategy() {
    }

    /** {@inheritDoc} */
    @Override
    public S withStartupTimeout(Duration startupTimeout) {
        this.startupTimeout = Checks.positive(startupTimeout, "startupTimeout");
        return self();
    }

    /**
     * Sets how long one attempt may take; an attempt near the deadline gets only the time left.
     *
     * @throws IllegalArgumentException if {@code attemptTimeout} is null, zero or negative
     */
    public S withAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = Checks.positive(attemptTimeout, "attemptTimeout");
        return self();
    }

    /**
     * Sets the pauses between attempts.
     *
     * @throws IllegalArgumentException if {@code backoff} is null
     */
    public S withBackoff(Backoff backoff) {
        this.backoff = Checks.notNull(backoff, "backoff");
        return self();
    }

    /**
     * Sets the clock and sleep used for the deadline and the pauses; tests pass a fake one.
     *
     * @throws IllegalArgumentException if {@code timeSource} is null
     */
    public S withTimeSource(TimeSource timeSource) {
        this.timeSource = Checks.notNull(timeSource, "timeSource");
        return self();
    }

    /**
     * Sets a check consulted before every attempt. When it returns a reason, waiting stops at once
     * with a {@link HealthCheckFailedException} carrying that reason: the deploy engine uses this
     * to stop waiting for a service PM2 reports as crashed. The check's own running time counts
     * against the startup timeout.
     *
     * @throws IllegalArgumentException if {@code abortCheck} is null
     */
    public S withAbortCheck(Supplier<Optional<String>> abortCheck) {
        this.abortCheck = Checks.notNull(abortCheck, "abortCheck");
        return self();
    }

    /** How long {@link #waitUntilReady()} waits at most. */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** How long one attempt may take at most. */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** {@inheritDoc} */
    @Override
    public final void waitUntilReady() {
        Duration timeout = startupTimeout;
        Supplier<Optional<String>> abort = abortCheck;
        long deadline = timeSource.nanoTime() + timeout.toNanos();
        int attempts = 0;
        String lastObserved = "no attempt made";
        while (true) {
            abortIfAsked(abort);
            long remaining = deadline - timeSource.nanoTime();
            if (remaining <= 0) {
                throw new HealthCheckTimeoutException(target(), expectation(), timeout, lastObserved, attempts);
            }
            ProbeResult result = attempt(shorter(attemptTimeout, remaining));
            attempts++;
            if (result.healthy()) {
                return;
            }
            lastObserved = result.observed();
            if (Thread.currentThread().isInterrupted()) {
                // The attempt swallowed an interrupt and kept the flag; honour it before sleeping.
                throw new HealthCheckInterruptedException(target(), null);
            }
            remaining = deadline - timeSource.nanoTime();
            if (remaining > 0) {
                sleep(pauseAfter(attempts, remaining));
            }
        }
    }

    /**
     * The backoff pause, or all the time left when the attempt after it would be too short to
     * succeed: such an attempt would most likely end as "timed out after 2 ms" and hide what the
     * earlier attempts saw from the timeout message.
     */
    private Duration pauseAfter(int attempt, long remainingNanos) {
        long pause = Math.min(backoff.delay(attempt).toNanos(), remainingNanos);
        long shortestUseful = Math.min(attemptTimeout.toNanos(), SHORTEST_USEFUL_ATTEMPT.toNanos());
        return Duration.ofNanos(remainingNanos - pause < shortestUseful ? remainingNanos : pause);
    }

    private void abortIfAsked(Supplier<Optional<String>> abort) {
        Optional<String> reason = reasonFrom(abort);
        if (reason.isPresent()) {
            throw new HealthCheckFailedException(target(), reason.get());
        }
    }

    static Optional<String> reasonFrom(Supplier<Optional<String>> abort) {
        Optional<String> reason = abort.get();
        if (reason == null) {
            throw new IllegalStateException("abortCheck returned null instead of Optional.empty()");
        }
        return reason;
    }

    private void sleep(Duration pause) {
        try {
            timeSource.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HealthCheckInterruptedException(target(), e);
        }
    }

    private static Duration shorter(Duration limit, long remainingNanos) {
        return limit.toNanos() <= remainingNanos ? limit : Duration.ofNanos(remainingNanos);
    }


    /**
     * Runs one attempt that returns within about {@code timeout}; never throws for an unhealthy target.
     */
    protected abstract ProbeResult attempt(Duration timeout);

    /** What is waited for, for messages: {@code GET http://127.0.0.1:3000/health}. */
    protected abstract String target();

    /** The expectation as a verb phrase for messages: {@code return 2xx}. */
    protected abstract String expectation();

    /** {@code this}, typed as the concrete class. */
    protected abstract S self();
}
