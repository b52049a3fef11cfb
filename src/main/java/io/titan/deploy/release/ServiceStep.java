package io.titan.deploy.release;

import io.titan.deploy.event.OutputLine;
import java.time.Instant;
import java.util.List;

/**
 * What one {@code release service} call did with its service, kept in the release's record so
 * that {@code release finish} and {@code release abort} can report the host's whole part.
 *
 * @param status     the service's status as the reports spell it, e.g. {@code deployed}
 * @param startedAt  ISO-8601, or null when it was not started
 * @param readyAt    ISO-8601, or null when it never became ready
 * @param durationMs start to ready (or to the failure)
 * @param restarts   PM2 restarts seen meanwhile
 * @param message    why it failed, or null
 * @param output     its last output lines when it failed, secrets already masked (none in records
 *                   written before they were kept)
 * @param downtime   how long it answered nothing while it was replaced, or null (records written
 *                   before it was kept, services not replaced)
 */
public record ServiceStep(String status, String startedAt, String readyAt, long durationMs, int restarts,
                          String message, List<Line> output, StepDowntime downtime) {

    public ServiceStep {
        output = output == null ? List.of() : List.copyOf(output);
    }

    /** A step without output lines. */
    public ServiceStep(String status, String startedAt, String readyAt, long durationMs, int restarts, String message) {
        this(status, startedAt, readyAt, durationMs, restarts, message, List.of(), null);
    }

    /** {@code lines} as the record stores them. */
    public static List<Line> lines(List<OutputLine> lines) {
        return lines.stream().map(l -> new Line(l.stream().value(), l.time().toString(), l.text())).toList();
    }

    /** The kept output lines. */
    public List<OutputLine> outputLines() {
        return output.stream().map(l -> new OutputLine(OutputLine.Stream.of(l.stream()), Instant.parse(l.time()),
                l.text())).toList();
    }

    /**
     * One output line as the record stores it.
     *
     * @param stream {@code out} or {@code err}
     * @param time   ISO-8601
     */
    public record Line(String stream, String time, String text) {
    }
}
