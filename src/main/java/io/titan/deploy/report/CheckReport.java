package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.util.Objects;

/**
 * The result of one validation check.
 *
 * @param name       what was checked, e.g. {@code titan-brain} or {@code binance}
 * @param kind       what kind of endpoint it talks to
 * @param target     where: a URL, {@code host:port}, or PM2 app name, with secrets already masked
 * @param required   whether a failure fails the validation; a failed optional check is a warning
 * @param success    whether the check passed
 * @param durationMs how long the check took
 * @param message    one line for a person, e.g. what was seen; may be null
 */
@JsonPropertyOrder({"name", "kind", "target", "required", "success", "durationMs", "message"})
public record CheckReport(
        String name,
        CheckKind kind,
        String target,
        boolean required,
        boolean success,
        long durationMs,
        String message) {

    /** Validates the components. */
    public CheckReport {
        Checks.requireNonBlank(name, "CheckReport.name");
        Objects.requireNonNull(kind, "CheckReport.kind must not be null (check " + name + ")");
        Objects.requireNonNull(target, "CheckReport.target must not be null (check " + name + ")");
        Checks.requireNonNegative(durationMs, "CheckReport.durationMs of " + name);
    }

    /** {@link #durationMs()} as a {@link Duration}. */
    @JsonIgnore
    public Duration duration() {
        return Duration.ofMillis(durationMs);
    }

    /** Whether this is a failed optional check: it passes the validation but deserves a look. */
    @JsonIgnore
    public boolean isWarning() {
        return !success && !required;
    }
}
