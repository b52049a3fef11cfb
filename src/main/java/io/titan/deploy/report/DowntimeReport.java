package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.titan.deploy.health.Downtime;
import java.time.Instant;

/**
 * How long a service answered nothing while it was replaced (or put back by a rollback), as its
 * health check, probed every 20 ms, saw it.
 *
 * @param downtimeMs   the longest stretch without a good answer, from the last good answer before
 *                     it to the first after it; 0 when every probe answered; null when not measured
 * @param failedProbes probes without a good answer; null when not measured
 * @param from         the last good answer before that stretch, or null
 * @param until        the first good answer after it, or null
 * @param text         one phrase for a person: {@code unavailable 0 ms},
 *                     {@code downtime: not measured (no health check)}
 */
@JsonPropertyOrder({"downtimeMs", "failedProbes", "from", "until", "text"})
public record DowntimeReport(
        Long downtimeMs,
        Integer failedProbes,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant from,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant until,
        String text) {

    /** The report of {@code downtime}, or null for none. */
    public static DowntimeReport of(Downtime downtime) {
        if (downtime == null) {
            return null;
        }
        return new DowntimeReport(downtime.window().map(java.time.Duration::toMillis).orElse(null),
                downtime.failed().orElse(null), downtime.from(), downtime.until(), downtime.text());
    }

    /** For a table cell: {@code 380 ms}, or {@code not measured}. */
    public String cell() {
        return downtimeMs == null ? "not measured" : downtimeMs + " ms";
    }
}
