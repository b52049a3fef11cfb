package io.titan.deploy.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a service answered nothing while the engine replaced it: from the last good answer of
 * the old start to the first good answer after it (the longest such stretch, when there were
 * several), as a probe of its health check every {@link DowntimeProbe#INTERVAL} saw it; or why it
 * was not measured. A stretch shorter than the probe interval can go unseen: then it reads 0 ms.
 *
 * @param from         the last good answer before the longest stretch without one, or null when every probe answered
 * @param until        the first good answer after it, or null when every probe answered
 * @param failedProbes probes without a good answer during the whole replacement
 * @param notMeasured  why nothing was measured, or null when it was: the service has no health
 *                     check, or did not answer before it was replaced (nothing was serving to lose)
 */
public record Downtime(Instant from, Instant until, int failedProbes, String notMeasured) {

    /** Why a service without a health check has no measured downtime. */
    public static final String NO_HEALTH_CHECK = "no health check";
    /** Why a service new in a release has no measured downtime. */
    public static final String NEW = "it did not run before";
    /** Why a service that did not answer before it was replaced has no measured downtime. */
    public static final String NOT_SERVING = "it did not answer before it was replaced";

    public Downtime {
        if (failedProbes < 0) {
            throw new IllegalArgumentException("failedProbes must be zero or more, got " + failedProbes);
        }
        if ((from == null) != (until == null)) {
            throw new IllegalArgumentException("from and until go together, got " + from + " and " + until);
        }
    }

    /** Nothing measured, for {@code why}. */
    public static Downtime notMeasured(String why) {
        return new Downtime(null, null, 0, why);
    }

    /** Every probe answered. */
    public static Downtime none(int failedProbes) {
        return new Downtime(null, null, failedProbes, null);
    }

    /** Whether it was measured. */
    public boolean measured() {
        return notMeasured == null;
    }

    /** The longest stretch without a good answer, zero when there was none; empty when not measured. */
    public Optional<Duration> window() {
        if (!measured()) {
            return Optional.empty();
        }
        return Optional.of(from == null ? Duration.ZERO : Duration.between(from, until));
    }

    /** Failed probes, when measured. */
    public Optional<Integer> failed() {
        return measured() ? Optional.of(failedProbes) : Optional.empty();
    }

    /**
     * One phrase for console lines and reports: {@code unavailable 0 ms},
     * {@code unavailable 380 ms (19 failed probes)}, {@code downtime: not measured (no health check)}.
     */
    public String text() {
        return measured() ? describe(window().orElseThrow(), failedProbes) : "downtime: not measured (" + notMeasured + ")";
    }

    /**
     * The phrase for a window and its failed probes as events carry them: {@code unavailable 0 ms},
     * {@code unavailable 380 ms (19 failed probes)}, or {@code downtime: not measured} when null.
     */
    public static String describe(Duration window, Integer failedProbes) {
        if (window == null) {
            return "downtime: not measured";
        }
        int failed = failedProbes == null ? 0 : failedProbes;
        String probes = failed == 0 ? "" : " (" + failed + (failed == 1 ? " failed probe)" : " failed probes)");
        return "unavailable " + window.toMillis() + " ms" + probes;
    }
}
