package io.titan.deploy.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes written the way PM2 writes it: {@code 300M}, {@code 10M}, {@code 1G}, {@code 512K}.
 *
 * @param bytes the size in bytes, positive
 */
public record ByteSize(long bytes) {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([KMG]?)B?", Pattern.CASE_INSENSITIVE);

    public ByteSize {
        if (bytes <= 0) {
            throw new IllegalArgumentException("size must be positive, was " + bytes);
        }
    }

    /**
     * Parses {@code 300M}, {@code 10MB}, {@code 1G}, {@code 2048} (bytes).
     *
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    public static ByteSize parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected e.g. 300M, 10M, 1G)");
        }
        long value = Long.parseLong(m.group(1));
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 1024L;
            case "M" -> 1024L * 1024;
            case "G" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        if (value == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a positive size");
        }
        return new ByteSize(value * unit);
    }

    /** PM2's notation: the largest unit that divides the size exactly ({@code 300M}). */
    public String toPm2() {
        if (bytes % (1024L * 1024 * 1024) == 0) {
            return bytes / (1024L * 1024 * 1024) + "G";
        }
        if (bytes % (1024L * 1024) == 0) {
            return bytes / (1024L * 1024) + "M";
        }
        if (bytes % 1024L == 0) {
            return bytes / 1024L + "K";
        }
        return Long.toString(bytes);
    }

    @Override
    public String toString() {
        return toPm2();
    }
}
