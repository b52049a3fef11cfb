package io.titan.deploy.pm2;

import io.titan.deploy.config.EnvValue;
import io.titan.deploy.event.OutputLine;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a raw line a service printed becomes the text of an {@link OutputLine}: secrets masked first
 * (so that no cut can leave half a secret), then every character that could break a report or a
 * console escaped, then cut at {@link OutputLine#MAX_CHARS}.
 */
final class OutputText {

    /** What PM2 puts before each line with {@code log_date_format} {@value AppConfig#LOG_DATE_FORMAT}. */
    private static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}): ");

    /**
     * How much of a raw line is looked at: masking can shorten it and escaping lengthen it, so more
     * than fits is read, and the rest is only counted.
     */
    static final int RAW_LIMIT = 4 * OutputLine.MAX_CHARS;

    private OutputText() {
    }

    /**
     * The secrets to mask, longest first (a secret that contains another is masked whole); a secret
     * of several lines also counts line by line, as a service prints it so.
     */
    static List<String> secrets(Collection<String> values) {
        List<String> secrets = new ArrayList<>();
        for (String value : values) {
            if (value == null || value.isEmpty()) {
                continue;
            }
            secrets.add(value);
            if (value.indexOf('\n') >= 0) {
                for (String part : value.split("\r?\n")) {
                    if (!part.isBlank()) {
                        secrets.add(part);
                    }
                }
            }
        }
        return secrets.stream().distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /**
     * The text of a line as it may be shown.
     *
     * @param raw        the line, or its first characters when it was longer
     * @param fullLength how long the line was
     * @param secrets    from {@link #secrets(Collection)}
     */
    static String show(String raw, int fullLength, List<String> secrets) {
        String text = raw.length() > RAW_LIMIT ? raw.substring(0, RAW_LIMIT) : raw;
        if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1)) && text.length() < fullLength) {
            text = text.substring(0, text.length() - 1);
        }
        boolean cut = text.length() < fullLength;
        text = mask(text, secrets);
        if (cut) {
            text = maskCutSecret(text, secrets);
        }
        StringBuilder escaped = new StringBuilder();
        if (!cut && escape(text, OutputLine.MAX_CHARS, escaped) == text.length()) {
            return escaped.toString();
        }
        // Plain ASCII: a Jenkins agent's console may not be UTF-8.
        String marker = String.format(Locale.ROOT, "... [cut: %,d characters in all]", fullLength);
        return escape(text, OutputLine.MAX_CHARS - marker.length()) + marker;
    }

    static String mask(String text, List<String> secrets) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, EnvValue.MASK);
        }
        return masked;
    }

    /** A line cut in the middle of a secret ends with the secret's first characters: those go too. */
    private static String maskCutSecret(String text, List<String> secrets) {
        for (String secret : secrets) {
            for (int k = Math.min(secret.length() - 1, text.length()); k > 0; k--) {
                if (text.regionMatches(text.length() - k, secret, 0, k)) {
                    return text.substring(0, text.length() - k) + EnvValue.MASK;
                }
            }
        }
        return text;
    }

    /**
     * {@code text} with what must not reach a report escaped, stopping before {@code max}
     * characters: control characters (tab stays) as {@code \xNN}, C1 controls, unpaired surrogates,
     * U+FFFE, U+FFFF and the Unicode line separators as {@code \}{@code uNNNN}. Nothing XML 1.0
     * forbids is left, and the line stays one line.
     */
    static String escape(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length() + 16, max));
        escape(text, max, out);
        return out.toString();
    }

    /** Escapes into {@code out} what fits in {@code max} characters; returns how much of {@code text} that was. */
    private static int escape(String text, int max, StringBuilder out) {
        int i = 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            String unit;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                unit = text.substring(i, i + 2);
            } else if (c < 0x20 && c != '\t' || c == 0x7f) {
                unit = String.format(Locale.ROOT, "\\x%02x", (int) c);
            } else if (c >= 0x80 && c <= 0x9f || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF
                    || c == 0x2028 || c == 0x2029) {
                unit = String.format(Locale.ROOT, "\\u%04x", (int) c);
            } else {
                unit = String.valueOf(c);
            }
            if (out.length() + unit.length() > max) {
                break;
            }
            out.append(unit);
            i += unit.length() == 2 && Character.isHighSurrogate(c) ? 1 : 0;
        }
        return i;
    }

    /** UTF-8 {@code bytes[from, to)} as text; a byte that is not part of valid UTF-8 becomes {@code \xNN}. */
    static String decode(byte[] bytes, int from, int to) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer chars = CharBuffer.allocate(to - from + 16);
        StringBuilder out = new StringBuilder(to - from);
        while (true) {
            CoderResult result = in.hasRemaining() ? decoder.decode(in, chars, true) : CoderResult.UNDERFLOW;
            chars.flip();
            out.append(chars);
            chars.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    out.append(String.format(Locale.ROOT, "\\x%02x", in.get() & 0xff));
                }
            } else if (result.isUnderflow() && !in.hasRemaining()) {
                return out.toString();
            }
        }
    }

    /** The line without PM2's timestamp prefix. */
    static String withoutStamp(String line) {
        Matcher m = STAMP.matcher(line);
        return m.find() ? line.substring(m.end()) : line;
    }

    /** The time in PM2's timestamp prefix, written in the daemon's local time (its {@code TZ}, which it inherits). */
    static Optional<Instant> stamp(String line, ZoneId zone) {
        Matcher m = STAMP.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(m.group(1)).atZone(zone).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
