package io.titan.deploy.report;

import io.titan.deploy.health.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How times and durations read in reports. Always UTC and {@link Locale#ROOT}: the build agent's
 * locale must not turn "2.5 s" into "2,5 s", and operators compare reports across machines.
 */
final class Format {

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Format() {
    }

    /** {@code 2026-11-26 03:12:04 UTC}, or an em dash for null. */
    static String dateTime(Instant instant) {
        return instant == null ? "\u2014" : DATE_TIME.format(instant);
    }

    /** {@code 03:12:04.210} (UTC), or an em dash for null. */
    static String clock(Instant instant) {
        return instant == null ? "\u2014" : CLOCK.format(instant);
    }

    /** {@code 850 ms}, {@code 2.3 s}, {@code 1 min 5 s}: as every message of the engine writes time. */
    static String duration(long millis) {
        return Durations.format(Duration.ofMillis(millis));
    }

    /** Offset from the run's start: {@code +2.4 s}. */
    static String offset(Instant start, Instant at) {
        return "+" + duration(Math.max(0, Duration.between(start, at).toMillis()));
    }

    /** Seconds with millisecond precision, as JUnit XML's {@code time} attribute wants: {@code 2.345}. */
    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
