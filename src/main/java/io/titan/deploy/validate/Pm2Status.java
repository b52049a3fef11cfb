package io.titan.deploy.validate;

import java.time.Duration;
import java.util.Objects;

/**
 * What PM2 reports about one process, reduced to what the validator judges.
 *
 * @param online   PM2 status is {@code online}
 * @param restarts PM2's restart counter ({@code pm2_env.restart_time})
 * @param uptime   time since the current process instance started
 */
public record Pm2Status(boolean online, int restarts, Duration uptime) {

    /** Rejects a negative restart count or a missing/negative uptime. */
    public Pm2Status {
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts must not be negative, was " + restarts);
        }
        Objects.requireNonNull(uptime, "uptime is required");
        if (uptime.isNegative()) {
            throw new IllegalArgumentException("uptime must not be negative, was " + uptime);
        }
    }
}
