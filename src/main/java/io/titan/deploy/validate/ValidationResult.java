package io.titan.deploy.validate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Outcome of one validation run. Serializes with Jackson as the report the CLI writes:
 * {@code {"type":"validate","success":..,"durationMs":..,"checks":[...]}}.
 *
 * @param success  every required check passed (failed optional checks are warnings)
 * @param duration wall time of the whole run
 * @param checks   one result per check, in the order the checks were declared
 */
@JsonPropertyOrder({"type", "success", "durationMs", "checks"})
public record ValidationResult(boolean success, @JsonIgnore Duration duration, List<CheckResult> checks) {

    /** Copies the list; rejects missing fields and a success flag that contradicts the checks. */
    public ValidationResult {
        Objects.requireNonNull(duration, "duration is required");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        Objects.requireNonNull(checks, "checks is required");
        checks = List.copyOf(checks);
        if (success && checks.stream().anyMatch(c -> c.required() && !c.success())) {
            throw new IllegalArgumentException("success must be false when a required check failed");
        }
    }

    /** Builds a result whose success is derived from the checks: every required check passed. */
    public static ValidationResult of(Duration duration, List<CheckResult> checks) {
        boolean allRequiredPassed = checks.stream().allMatch(c -> c.success() || !c.required());
        return new ValidationResult(allRequiredPassed, duration, checks);
    }

    /** Report discriminator, always {@code validate}. */
    @JsonProperty("type")
    public String type() {
        return "validate";
    }

    /** {@link #duration()} in whole milliseconds, for reports. */
    @JsonProperty("durationMs")
    public long durationMs() {
        return duration.toMillis();
    }

    /** The checks that failed and fail the validation. */
    @JsonIgnore
    public List<CheckResult> failures() {
        return checks.stream().filter(c -> c.required() && !c.success()).toList();
    }

    /** Failed optional checks. */
    @JsonIgnore
    public List<CheckResult> warnings() {
        return checks.stream().filter(CheckResult::isWarning).toList();
    }
}
