package io.titan.deploy.report;

import java.time.Duration;
import java.time.Instant;

/**
 * A report the CLI writes at the end of a run: either a {@link DeployReport} or a
 * {@link ValidateReport}, told apart in JSON by {@link #type()}.
 */
public sealed interface Report permits DeployReport, ValidateReport {

    /** The JSON discriminator: {@code "deploy"} or {@code "validate"}. */
    String type();

    /** Whether the run reached its goal. */
    boolean success();

    /** When the run started. */
    Instant startedAt();

    /** How long the run took, in milliseconds (the JSON field {@code durationMs}). */
    long durationMs();

    /** {@link #durationMs()} as a {@link Duration}. */
    default Duration duration() {
        return Duration.ofMillis(durationMs());
    }
}
