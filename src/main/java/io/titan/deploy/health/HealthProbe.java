package io.titan.deploy.health;

import java.time.Duration;

/**
 * One health-check attempt against one target. Wait strategies repeat probes until a deadline;
 * the validator runs each probe once.
 */
public interface HealthProbe {

    /**
     * Runs one attempt. Never throws for an unhealthy target: the result says what was seen.
     * Returns within about {@code timeout}.
     */
    ProbeResult probe(Duration timeout);

    /**
     * Runs one attempt that whoever holds {@code aborts} can cut short by closing what it
     * registered there (interrupting a thread does not unblock socket I/O). Probes without I/O of
     * their own just run.
     */
    default ProbeResult probe(Duration timeout, Aborts aborts) {
        return probe(timeout);
    }

    /** What is probed, for messages: {@code GET http://127.0.0.1:3000/health}, {@code tcp 127.0.0.1:3001}. */
    String target();
}
