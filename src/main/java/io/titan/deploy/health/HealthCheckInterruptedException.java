package io.titan.deploy.health;

/**
 * The waiting thread was interrupted. Thrown with the thread's interrupt flag set again, so code
 * further up that checks the flag still sees the interruption.
 */
public final class HealthCheckInterruptedException extends HealthCheckException {

    /**
     * @param target what was being waited for
     * @param cause  the {@link InterruptedException}, if one was caught
     */
    public HealthCheckInterruptedException(String target, InterruptedException cause) {
        super(target, "interrupted while waiting for " + target, cause);
    }
}
