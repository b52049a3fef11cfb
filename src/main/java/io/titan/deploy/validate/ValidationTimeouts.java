package io.titan.deploy.validate;

import java.time.Duration;
import java.util.Objects;

/**
 * Time bounds of a validation run. Each check gets its own timeout; the overall bound caps the whole
 * run no matter what the checks do.
 *
 * @param service      one health probe or PM2 status query per service (default 5 s)
 * @param redis        the whole Redis check: connect, AUTH, PING, pub/sub round trip, SET/GET/DEL (default 5 s)
 * @param websocket    one exchange WebSocket: upgrade and first data message (default 10 s)
 * @param overall      the whole {@link DeploymentValidator#validateDeployment()} run (default 30 s)
 * @param quickOverall the whole {@link DeploymentValidator#quickHealthCheck()} run (default 5 s)
 */
public record ValidationTimeouts(
        Duration service, Duration redis, Duration websocket, Duration overall, Duration quickOverall) {

    /** The design's defaults: 5 s per service, 5 s Redis, 10 s per WebSocket, 30 s overall, 5 s quick. */
    public static final ValidationTimeouts DEFAULTS = new ValidationTimeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(5));

    /** Rejects missing, zero or negative durations, naming the field. */
    public ValidationTimeouts {
        requirePositive(service, "service");
        requirePositive(redis, "redis");
        requirePositive(websocket, "websocket");
        requirePositive(overall, "overall");
        requirePositive(quickOverall, "quickOverall");
    }

    /** A copy with another overall bound. */
    public ValidationTimeouts withOverall(Duration newOverall) {
        return new ValidationTimeouts(service, redis, websocket, newOverall, quickOverall);
    }

    private static void requirePositive(Duration value, String field) {
        Objects.requireNonNull(value, () -> "timeouts." + field + " is required");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("timeouts." + field + " must be positive, was " + value);
        }
    }
}
