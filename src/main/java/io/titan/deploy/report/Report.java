package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.titan.deploy.FileFormat;
import java.time.Duration;
import java.time.Instant;

/**
 * A report the CLI writes at the end of a run: either a {@link DeployReport} or a
 * {@link ValidateReport}, told apart in JSON by {@link #type()}.
 */
public sealed interface Report permits DeployReport, ValidateReport {

    /** The JSON discriminator: {@code "deploy"} or {@code "validate"}. */
    String type();

    /**
     * The format version written with the report ({@link FileFormat}): {@link Reports#FORMAT_VERSION}.
     * Reports without one are version 1, from before services named their host.
     */
    @JsonProperty(value = FileFormat.FIELD, access = JsonProperty.Access.READ_ONLY)
    default int formatVersion() {
        return Reports.FORMAT_VERSION;
    }

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
