package io.titan.deploy.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How a running service is replaced by a new start of it: the topology's {@code cluster},
 * {@code readyMessage}, {@code killTimeout} and {@code maxDowntime}.
 *
 * @param cluster      PM2 cluster mode asked for with {@code cluster: true}, for any number of
 *                     instances (two or more run in cluster mode anyway): a running service is then
 *                     replaced worker by worker, each new worker proven before an old one stops
 * @param readyMessage the service calls {@code process.send('ready')} once it serves (PM2's
 *                     {@code wait_ready}): a start counts as ready only after that message
 * @param killTimeout  the grace an old process gets between SIGINT and SIGKILL to finish its
 *                     requests (PM2's {@code kill_timeout})
 * @param maxDowntime  the longest unavailability a replacement may cause before the deploy fails
 *                     and rolls back, or null for no bound
 */
public record Replacement(boolean cluster, boolean readyMessage, Duration killTimeout, Duration maxDowntime) {

    /** PM2's own default kill_timeout, which the seed also sets. */
    public static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofMillis(1600);

    /** Fork mode, no ready message, PM2's kill timeout, no bound on downtime. */
    public static final Replacement DEFAULTS = new Replacement(false, false, DEFAULT_KILL_TIMEOUT, null);

    public Replacement {
        if (killTimeout == null || killTimeout.isNegative()) {
            throw new IllegalArgumentException("killTimeout must be zero or more, got " + killTimeout);
        }
    }

    /** The bound on downtime, if any. */
    public Optional<Duration> downtimeBound() {
        return Optional.ofNullable(maxDowntime);
    }
}
