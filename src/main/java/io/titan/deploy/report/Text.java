package io.titan.deploy.report;

import java.util.regex.Pattern;

/**
 * Escaping and cleaning of text that came from outside the engine (service names, messages,
 * URLs) before it goes into HTML, SVG or XML.
 */
final class Text {

    /** {@code scheme://user:password@} in a URL: the password part is replaced. */
    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/@\\s:]*):[^/@\\s]+@");

    /** {@code password=...}-style query or config fragments. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|secret|token|api[_-]?key|signature)=[^&\\s\"']+");

    private Text() {
    }

    /**
     * Escapes for HTML/SVG/XML text and for attribute values in either quote style: one function for
     * every context means no place can pick the wrong one.
     */
    static String escape(String raw) {
        if (raw == null) {
            return "";
        }
        String clean = stripInvalid(raw);
        StringBuilder out = new StringBuilder(clean.length() + 16);
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Removes what XML 1.0 forbids outright (control characters other than tab, CR and LF,
     * unpaired surrogates, U+FFFE and U+FFFF): a single one makes Jenkins' JUnit parser reject
     * the whole file, and in HTML they render as garbage.
     */
    static String stripInvalid(String raw) {
        StringBuilder out = null;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean valid;
            if (Character.isHighSurrogate(c)) {
                valid = i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1));
                if (valid) {
                    if (out != null) {
                        out.append(c).append(raw.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else if (Character.isLowSurrogate(c)) {
                valid = false;
            } else {
                valid = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
            }
            if (!valid && out == null) {
                out = new StringBuilder(raw.length()).append(raw, 0, i);
            } else if (valid && out != null) {
                out.append(c);
            }
        }
        return out == null ? raw : out.toString();
    }

    /**
     * Masks passwords in URLs and {@code password=}-style fragments. The validator already masks
     * targets; this is a second line of defence because an HTML report gets archived and shared.
     */
    static String redact(String raw) {
        if (raw == null) {
            return null;
        }
        String masked = URL_PASSWORD.matcher(raw).replaceAll("$1:***@");
        return SECRET_PARAMETER.matcher(masked).replaceAll("$1=***");
    }

    /** {@link #redact} then {@link #escape}: the usual path for a message or target. */
    static String safe(String raw) {
        return escape(redact(raw));
    }
}
