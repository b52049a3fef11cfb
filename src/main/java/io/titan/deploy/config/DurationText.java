package io.titan.deploy.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations users write in topology files: {@code 30s}, {@code 1.5 s}, {@code 1600ms}, {@code 2m}. */
public final class DurationText {

    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private DurationText() {
    }

    /**
     * Parses a positive duration with a unit.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected e.g. 30s, 1.5s, 1600ms, 2m)");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        BigDecimal millisPerUnit = switch (m.group(2)) {
            case "ms" -> BigDecimal.ONE;
            case "s" -> BigDecimal.valueOf(1_000);
            case "m" -> BigDecimal.valueOf(60_000);
            default -> BigDecimal.valueOf(3_600_000);
        };
        long millis = amount.multiply(millisPerUnit).longValue();
        if (millis <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a positive duration");
        }
        return Duration.ofMillis(millis);
    }
}
