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
 * @param parts part name to hash
 */
public record Fingerprint(Map<String, String> parts) {

    /** Part name prefix of environment variables. */
    public static final String ENV = "env:";

    public Fingerprint {
        parts = new TreeMap<>(parts);
    }

    /** The text kept with the app in PM2: {@code args=1f..;code=files:9a..;env:PORT=3c..}. */
    public String encode() {
        StringBuilder text = new StringBuilder();
        parts.forEach((k, v) -> text.append(text.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return text.toString();
    }

    /** Reads {@link #encode()}'s text back; empty for null or text that is not one. */
    public static java.util.Optional<Fingerprint> decode(String text) {
        if (text == null || text.isBlank()) {
            return java.util.Optional.empty();
        }
        Map<String, String> parts = new TreeMap<>();
        for (String pair : text.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                return java.util.Optional.empty();
            }
            parts.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return java.util.Optional.of(new Fingerprint(parts));
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
