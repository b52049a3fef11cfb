package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The automatic rollback that followed a failed deployment.
 *
 * @param startedAt  when the engine began restoring the previous release
 * @param finishedAt when it was done (restored and health-checked, or given up)
 * @param success    whether the previous release is back and healthy
 * @param message    one line for a person, e.g. what was restored or why restoring failed; may be null
 */
@JsonPropertyOrder({"startedAt", "finishedAt", "success", "message"})
public record RollbackReport(
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant startedAt,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant finishedAt,
        boolean success,
        String message) {

    /** Validates that the window is present and not reversed. */
    public RollbackReport {
        Objects.requireNonNull(startedAt, "RollbackReport.startedAt must not be null");
        Objects.requireNonNull(finishedAt, "RollbackReport.finishedAt must not be null");
        if (finishedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("RollbackReport.finishedAt " + finishedAt
                    + " is before startedAt " + startedAt);
        }
    }

    /** How long the rollback took. */
    @JsonIgnore
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }
}
