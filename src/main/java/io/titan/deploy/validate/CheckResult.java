package io.titan.deploy.validate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Outcome of one check. Serializes with Jackson as
 * {@code {"name":..,"kind":"http","target":..,"required":..,"success":..,"durationMs":..,"message":..}}.
 * A failed check with {@code required=false} is a warning: it does not fail the validation.
 *
 * @param name     service name, exchange name, or {@code redis}
 * @param kind     what kind of check ran
 * @param target   what was checked, with secrets masked ({@code redis://user:****@host:6379/0})
 * @param required whether a failure fails the validation
 * @param success  whether the check passed
 * @param duration how long the check ran (until it was timed out, for timed-out checks)
 * @param message  what was seen, in one line, naming the expectation when it was not met
 */
@JsonPropertyOrder({"name", "kind", "target", "required", "success", "durationMs", "message"})
public record CheckResult(
        String name, Kind kind, String target, boolean required, boolean success,
        @JsonIgnore Duration duration, String message) {

    /** Kinds of check; JSON names are lowercase ({@code http}, {@code tcp}, {@code pm2}, {@code redis}, {@code websocket}). */
    public enum Kind {
        /** An HTTP health endpoint answered 2xx. */
        HTTP,
        /** A TCP port accepted a connection. */
        TCP,
        /** PM2 reports the process online and not restarting. */
        PM2,
        /** Redis answered PING and round-tripped a pub/sub message. */
        REDIS,
        /** An exchange WebSocket delivered its first data message. */
        WEBSOCKET;

        /** The lowercase name used in JSON reports. */
        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Rejects missing fields, naming the field. */
    public CheckResult {
        requireText(name, "name");
        Objects.requireNonNull(kind, "kind is required");
        requireText(target, "target");
        Objects.requireNonNull(duration, "duration is required");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        requireText(message, "message");
    }

    /** {@link #duration()} in whole milliseconds, for reports. */
    @JsonProperty("durationMs")
    public long durationMs() {
        return duration.toMillis();
    }

    /** A failed optional check: reported, but does not fail the validation. */
    @JsonIgnore
    public boolean isWarning() {
        return !success && !required;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
