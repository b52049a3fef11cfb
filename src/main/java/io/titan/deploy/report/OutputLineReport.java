package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.titan.deploy.event.OutputLine;
import java.time.Instant;
import java.util.Objects;

/**
 * One line a failed service printed, in a service's {@code output}.
 *
 * @param stream {@code out} or {@code err}
 * @param time   when PM2 received it
 * @param text   the line, secrets masked, control characters and bytes that were not UTF-8 escaped
 *               ({@code \x1b}), at most 1,000 characters
 */
@JsonPropertyOrder({"stream", "time", "text"})
public record OutputLineReport(
        String stream,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant time,
        String text) {

    /** Validates the components. */
    public OutputLineReport {
        OutputLine.Stream.of(Objects.requireNonNull(stream, "OutputLineReport.stream must not be null"));
        Objects.requireNonNull(time, "OutputLineReport.time must not be null");
        Objects.requireNonNull(text, "OutputLineReport.text must not be null");
    }

    /** The report form of {@code line}. */
    public static OutputLineReport of(OutputLine line) {
        return new OutputLineReport(line.stream().value(), line.time(), line.text());
    }

    /** {@code err 2026-12-07T05:05:45.112Z text}: the line as JUnit and plain text show it. */
    String plain() {
        return stream + " " + time + " " + text;
    }
}
