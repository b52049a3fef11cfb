package io.titan.deploy.health;

/**
 * Waiting stopped early because an abort check gave a reason, for example PM2 reporting that the
 * process crashed: there is no point waiting out the timeout for a service that is not running.
 */
public final class HealthCheckFailedException extends HealthCheckException {

    private final String reason;

    /**
     * @param target what was being waited for
     * @param reason why waiting stopped, as the abort check said it
     */
    public HealthCheckFailedException(String target, String reason) {
        super(target, "stopped waiting for " + target + ": " + reason, null);
        this.reason = reason;
    }

    /** Why waiting stopped, as the abort check said it. */
    public String reason() {
        return reason;
    }
}
