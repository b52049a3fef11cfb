package io.titan.deploy.health;

import java.time.Duration;

/**
 * Blocks until a target is ready or a startup timeout passes. Build instances with {@link Wait}.
 *
 * <p>Interruption: when the waiting thread is interrupted, {@link #waitUntilReady()} sets the
 * thread's interrupt flag again and throws {@link HealthCheckInterruptedException}, so callers
 * need neither a checked exception nor to remember to restore the flag.
 */
public interface WaitStrategy {

    /**
     * Returns once the target is ready.
     *
     * @throws HealthCheckTimeoutException     if it was not ready within the startup timeout; the
     *                                         message says what was expected and last seen
     * @throws HealthCheckFailedException      if an abort check gave a reason to stop early
     * @throws HealthCheckInterruptedException if the thread was interrupted (its interrupt flag is set)
     */
    void waitUntilReady();

    /**
     * Sets how long {@link #waitUntilReady()} may wait in total.
     *
     * @return this strategy, for chaining
     * @throws IllegalArgumentException if {@code startupTimeout} is null, zero or negative
     */
    WaitStrategy withStartupTimeout(Duration startupTimeout);
}
