package io.titan.deploy.health;

import java.time.Duration;

/**
 * The target did not meet its expectation within the startup timeout. The message says what was
 * expected and what was last seen:
 * {@code GET http://127.0.0.1:3000/health did not return 2xx within 30 s (last: returned 503 after 47 attempts)}.
 * The parts are exposed so callers can compose their own sentence around a service name.
 */
public final class HealthCheckTimeoutException extends HealthCheckException {

    private final String expectation;
    private final Duration timeout;
    private final String lastObserved;
    private final int attempts;

    /**
     * @param target       what was checked, e.g. {@code GET http://127.0.0.1:3000/health}
     * @param expectation  a verb phrase, e.g. {@code return 2xx}, {@code accept a connection}
     * @param timeout      how long the wait lasted at most
     * @param lastObserved what the last attempt saw, e.g. {@code returned 503}; when
     *                     {@code attempts} is 0, why nothing was attempted
     * @param attempts     how many attempts were made
     */
    public HealthCheckTimeoutException(String target, String expectation, Duration timeout, String lastObserved,
            int attempts) {
        super(target, message(target, expectation, timeout, lastObserved, attempts), null);
        this.expectation = expectation;
        this.timeout = timeout;
        this.lastObserved = lastObserved;
        this.attempts = attempts;
    }

    private static String message(String target, String expectation, Duration timeout, String lastObserved,
            int attempts) {
        String detail = attempts == 0
                ? lastObserved
                : "last: " + lastObserved + " after " + attempts + (attempts == 1 ? " attempt" : " attempts");
        return target + " did not " + expectation + " within " + Durations.format(timeout) + " (" + detail + ")";
    }

    /** The verb phrase that was not met: {@code return 2xx}. */
    public String expectation() {
        return expectation;
    }

    /** How long the wait lasted at most. */
    public Duration timeout() {
        return timeout;
    }

    /** What the last attempt saw: {@code returned 503}, {@code connection refused}. */
    public String lastObserved() {
        return lastObserved;
    }

    /** How many attempts were made; 0 when the time ran out before the first one. */
    public int attempts() {
        return attempts;
    }
}
