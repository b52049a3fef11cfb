package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of one {@code titan-deploy validate} run, as written by {@code --report}.
 *
 * @param success    whether every required check passed (optional failures are warnings)
 * @param startedAt  when the validation started
 * @param durationMs wall-clock duration of the validation
 * @param checks     one entry per check, in the order the validator lists them
 */
@JsonPropertyOrder({"type", "formatVersion", "success", "startedAt", "durationMs", "checks"})
public record ValidateReport(
        boolean success,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant startedAt,
        long durationMs,
        List<CheckReport> checks) implements Report {

    /** The JSON {@code type} of a validate report. */
    public static final String TYPE = "validate";

    /** Validates the components and copies {@code checks}. */
    public ValidateReport {
        Objects.requireNonNull(startedAt, "ValidateReport.startedAt must not be null");
        Checks.requireNonNegative(durationMs, "ValidateReport.durationMs");
        checks = List.copyOf(Objects.requireNonNull(checks, "ValidateReport.checks must not be null"));
        boolean requiredFailed = checks.stream().anyMatch(c -> c.required() && !c.success());
        if (success == requiredFailed) {
            throw new IllegalArgumentException("ValidateReport.success=" + success + " but "
                    + (requiredFailed ? "a required check failed" : "every required check passed"));
        }
    }

    @Override
    @JsonProperty(value = "type", access = JsonProperty.Access.READ_ONLY)
    public String type() {
        return TYPE;
    }

    /** Failed optional checks: the validation passes, but a person should look. */
    @JsonIgnore
    public List<CheckReport> warnings() {
        return checks.stream().filter(CheckReport::isWarning).toList();
    }
}
