package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one service in a deployment.
 *
 * @param name       the PM2 app name, e.g. {@code titan-brain}
 * @param status     the service's result
 * @param level      its depth in the dependency graph: 0 for services without dependencies,
 *                   otherwise one more than its deepest dependency
 * @param dependsOn  the services it depends on (never null; empty for roots)
 * @param startedAt  when the engine started it; null for services that were never started
 *                   ({@code skipped}, {@code pending}, and usually {@code unchanged})
 * @param readyAt    when its health check passed; null when it never became ready
 * @param durationMs from start to ready, or to the failure; 0 when never started
 * @param restarts   PM2 restarts seen during the deployment and soak
 * @param message    one line for a person, e.g. the failure cause; may be null
 * @param host       the host it runs on
 * @param output     the last lines it printed when it failed, or when the rollback could not restore
 *                   it (then the restore's after its own), oldest first; empty otherwise
 * @param downtime        how long it answered nothing while the deployment replaced it; null when it
 *                        was not replaced (unchanged, skipped, failed before its health gate passed)
 * @param restoreDowntime how long it answered nothing while the rollback put it back; null when the
 *                        rollback did not start it again
 */
@JsonPropertyOrder({"name", "status", "level", "dependsOn", "startedAt", "readyAt", "durationMs",
        "restarts", "message", "host", "output", "downtime", "restoreDowntime"})
public record ServiceReport(
        String name,
        ServiceStatus status,
        int level,
        List<String> dependsOn,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant startedAt,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant readyAt,
        long durationMs,
        int restarts,
        String message,
        String host,
        List<OutputLineReport> output,
        DowntimeReport downtime,
        DowntimeReport restoreDowntime) {

    /** A service without downtime figures (a report written before they were kept). */
    public ServiceReport(String name, ServiceStatus status, int level, List<String> dependsOn, Instant startedAt,
                         Instant readyAt, long durationMs, int restarts, String message, String host,
                         List<OutputLineReport> output) {
        this(name, status, level, dependsOn, startedAt, readyAt, durationMs, restarts, message, host, output, null, null);
    }

    /** A service of a topology without hosts: it runs on the one local host. */
    public ServiceReport(String name, ServiceStatus status, int level, List<String> dependsOn, Instant startedAt,
                         Instant readyAt, long durationMs, int restarts, String message) {
        this(name, status, level, dependsOn, startedAt, readyAt, durationMs, restarts, message, "local");
    }

    /** A service without output lines. */
    public ServiceReport(String name, ServiceStatus status, int level, List<String> dependsOn, Instant startedAt,
                         Instant readyAt, long durationMs, int restarts, String message, String host) {
        this(name, status, level, dependsOn, startedAt, readyAt, durationMs, restarts, message, host, List.of());
    }

    /** The Jenkins result of the service's stage, for the steps: one vocabulary with {@link ServiceStatus}. */
    @com.fasterxml.jackson.annotation.JsonProperty(value = "stageResult",
            access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public String stageResult() {
        return status.stageResult();
    }

    /** Validates the components and copies {@code dependsOn} and {@code output}. */
    public ServiceReport {
        Checks.requireNonBlank(name, "ServiceReport.name");
        Objects.requireNonNull(status, "ServiceReport.status must not be null (service " + name + ")");
        Checks.requireNonNegative(level, "ServiceReport.level of " + name);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        output = output == null ? List.of() : List.copyOf(output);
        Checks.requireNonNegative(durationMs, "ServiceReport.durationMs of " + name);
        Checks.requireNonNegative(restarts, "ServiceReport.restarts of " + name);
    }

    /** {@link #durationMs()} as a {@link Duration}. */
    @JsonIgnore
    public Duration duration() {
        return Duration.ofMillis(durationMs);
    }

    /**
     * When the service stopped being "in progress": ready, or start plus duration for a failure.
     * Empty for services that never started.
     */
    @JsonIgnore
    public Optional<Instant> endedAt() {
        if (readyAt != null) {
            return Optional.of(readyAt);
        }
        return Optional.ofNullable(startedAt).map(start -> start.plusMillis(durationMs));
    }
}
