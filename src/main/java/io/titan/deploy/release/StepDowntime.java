package io.titan.deploy.release;

import io.titan.deploy.health.Downtime;
import java.time.Instant;

/**
 * A service's {@link Downtime} as a release record keeps it between {@code release} steps.
 *
 * @param from         ISO-8601, or null
 * @param until        ISO-8601, or null
 * @param failedProbes health probes without a good answer
 * @param notMeasured  why it was not measured, or null
 */
public record StepDowntime(String from, String until, int failedProbes, String notMeasured) {

    /** The record of {@code downtime}, or null for none. */
    public static StepDowntime of(Downtime downtime) {
        if (downtime == null) {
            return null;
        }
        return new StepDowntime(downtime.from() == null ? null : downtime.from().toString(),
                downtime.until() == null ? null : downtime.until().toString(), downtime.failedProbes(),
                downtime.notMeasured());
    }

    /** The downtime again. */
    public Downtime downtime() {
        return new Downtime(from == null ? null : Instant.parse(from), until == null ? null : Instant.parse(until),
                failedProbes, notMeasured);
    }

    /** The downtime {@code step} kept, or null. */
    public static Downtime of(ServiceStep step) {
        return step == null || step.downtime() == null ? null : step.downtime().downtime();
    }
}
