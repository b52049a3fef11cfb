package io.titan.deploy.change;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What would run for one service, as one hash per part ({@code script}, {@code cwd}, {@code args},
 * {@code instances}, {@code limits}, {@code code}, {@code env:KEY}), so that a difference can be
 * named ("code, env LOG_LEVEL") and not only detected. Values enter only as hashes; environment
 * values as salted hashes, so a fingerprint stored in a release record reveals no secret.
 *
 * <p>The text kept with an app in PM2 starts with its format version ({@code format=1;...}): the
 * parts mean what they meant when the app was started only if the engine hashes them the same way.
 * A fingerprint without one was written before versions existed, and is version 1 (its parts are
 * hashed as now). One of a newer version is not compared at all ({@link #decode} gives nothing,
 * {@link #formatOf} says which version it is).
 *
 * @param parts part name to hash
 */
public record Fingerprint(Map<String, String> parts) {

    /** Part name prefix of environment variables. */
    public static final String ENV = "env:";
    /** The format version of the fingerprints this engine writes, and the newest it compares. */
    public static final int FORMAT_VERSION = 1;

    private static final String FORMAT = "format";

    public Fingerprint {
        parts = new TreeMap<>(parts);
    }

    /** The text kept with the app in PM2: {@code format=1;args=1f..;code=files:9a..;env:PORT=3c..}. */
    public String encode() {
        StringBuilder text = new StringBuilder(FORMAT + "=" + FORMAT_VERSION);
        parts.forEach((k, v) -> text.append(';').append(k).append('=').append(v));
        return text.toString();
    }

    /**
     * Reads {@link #encode()}'s text back, or the text an engine before format versions wrote; empty
     * for null, for text that is not one, and for a fingerprint of a newer format than
     * {@link #FORMAT_VERSION}, which this engine cannot compare.
     */
    public static java.util.Optional<Fingerprint> decode(String text) {
        Map<String, String> parts = pairs(text);
        if (parts == null || formatOf(parts) == 0 || formatOf(parts) > FORMAT_VERSION) {
            return java.util.Optional.empty();
        }
        parts.remove(FORMAT);
        return java.util.Optional.of(new Fingerprint(parts));
    }

    /** The format version of an encoded fingerprint ({@code 1} without one); 0 for text that is not one. */
    public static int formatOf(String text) {
        Map<String, String> parts = pairs(text);
        return parts == null ? 0 : formatOf(parts);
    }

    private static int formatOf(Map<String, String> parts) {
        String format = parts.get(FORMAT);
        if (format == null) {
            return 1;
        }
        return format.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(format) : 0;
    }

    /** The {@code key=value} pairs of {@code text}, or null when it is none. */
    private static Map<String, String> pairs(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Map<String, String> parts = new TreeMap<>();
        for (String pair : text.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                return null;
            }
            parts.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return parts;
    }

    /** One hash over every part. */
    public String digest() {
        StringBuilder all = new StringBuilder();
        parts.forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
        return sha256(all.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /**
     * What differs from {@code before}, in words: {@code code}, {@code script}, {@code args},
     * {@code env A, B}. Empty when nothing does.
     */
    public List<String> changesFrom(Fingerprint before) {
        List<String> changes = new ArrayList<>();
        Set<String> env = new TreeSet<>();
        Set<String> names = new TreeSet<>(parts.keySet());
        names.addAll(before.parts.keySet());
        for (String name : names) {
            if (parts.getOrDefault(name, "").equals(before.parts.getOrDefault(name, ""))) {
                continue;
            }
            if (name.startsWith(ENV)) {
                env.add(name.substring(ENV.length()));
            } else {
                changes.add(name);
            }
        }
        if (!env.isEmpty()) {
            changes.add("env " + String.join(", ", env));
        }
        return changes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
