package io.titan.deploy.health;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

/**
 * A wait for a health check ended without the target becoming healthy. Callers that only need to
 * say which target failed catch this; the subclasses say why.
 */
public abstract sealed class HealthCheckException extends TitanException
        permits HealthCheckTimeoutException, HealthCheckFailedException, HealthCheckInterruptedException {

    private final String target;

    HealthCheckException(String target, String message, Throwable cause) {
        super(message, ExitCodes.FAILED, cause);
        this.target = target;
    }

    /** What was checked: {@code GET http://127.0.0.1:3000/health}, {@code tcp 127.0.0.1:3001}. */
    public String target() {
        return target;
    }
}
