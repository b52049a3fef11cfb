package io.titan.deploy.health;

import java.time.Duration;

/**
 * Formats durations the way people read them in logs and failure messages: {@code 30 s},
 * {@code 1.5 s}, {@code 250 ms}, {@code 1 min 30 s}.
 */
public final class Durations {

    private static final Duration ONE_MINUTE = Duration.ofMinutes(1);
    private static final String[] SMALL_UNITS = {"µs", "ms", "s"};
    private static final long[] SMALL_UNIT_NANOS = {1_000L, 1_000_000L, 1_000_000_000L};

    private Durations() {
    }

    /**
     * Formats {@code duration} with at most one decimal below a minute ({@code 112.5 ms},
     * {@code 1.9 s}) and in whole hours, minutes and seconds from a minute up ({@code 2 min},
     * {@code 1 h 5 min}). Negative durations get a leading {@code -}.
     *
     * @throws IllegalArgumentException if {@code duration} is null
     */
    public static String format(Duration duration) {
        Checks.notNull(duration, "duration");
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        if (duration.compareTo(ONE_MINUTE) >= 0) {
            return formatLong(duration);
        }
        long nanos = duration.toNanos();
        if (nanos < SMALL_UNIT_NANOS[0]) {
            return nanos + " ns";
        }
        for (int i = 0; i < SMALL_UNITS.length; i++) {
            long tenths = Math.round(nanos * 10.0 / SMALL_UNIT_NANOS[i]);
            // Rounding can carry into the next unit (999.96 ms is "1 s", not "1000 ms").
            long limitInTenths = i == SMALL_UNITS.length - 1 ? 600 : 10_000;
            if (tenths < limitInTenths) {
                return tenthsText(tenths) + " " + SMALL_UNITS[i];
            }
        }
        return formatLong(ONE_MINUTE);
    }

    private static String tenthsText(long tenths) {
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : tenths / 10 + "." + tenths % 10;
    }

    private static String formatLong(Duration duration) {
        long seconds = duration.getSeconds() + (duration.getNano() >= 500_000_000 ? 1 : 0);
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long secs = seconds % 60;
        StringBuilder text = new StringBuilder();
        append(text, hours, "h");
        append(text, minutes, "min");
        append(text, secs, "s");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount == 0) {
            return;
        }
        if (text.length() > 0) {
            text.append(' ');
        }
        text.append(amount).append(' ').append(unit);
    }
}
