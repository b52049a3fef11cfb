package io.titan.deploy.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One line a service printed, as the engine shows it next to a failure: which stream, when, and
 * the text already made safe to show (secrets masked, control characters and bytes that are not
 * UTF-8 escaped, cut at {@link #MAX_CHARS}). Nothing downstream needs to clean it again.
 *
 * @param stream where the service wrote it
 * @param time   when PM2 received it (from its log file's timestamp where the event was missed)
 * @param text   the line without PM2's timestamp prefix, at most {@link #MAX_CHARS} characters
 */
public record OutputLine(Stream stream, Instant time, String text) {

    /** The longest text a line keeps; a longer line is cut and says so. */
    public static final int MAX_CHARS = 1000;

    public OutputLine {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("an output line holds at most " + MAX_CHARS + " characters, got "
                    + text.length());
        }
    }

    /** Standard output or standard error. */
    public enum Stream {
        OUT, ERR;

        /** {@code out} or {@code err}, as reports and events spell it. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The stream called {@code value} ({@code out} or {@code err}). */
        public static Stream of(String value) {
            return switch (value) {
                case "out" -> OUT;
                case "err" -> ERR;
                default -> throw new IllegalArgumentException("'" + value + "' is not a stream (expected out or err)");
            };
        }
    }
}
