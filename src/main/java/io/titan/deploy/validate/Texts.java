package io.titan.deploy.validate;

import java.time.Duration;
import java.util.Collection;

/** Message helpers: readable durations and secret scrubbing. */
final class Texts {

    static final String MASK = "****";

    private Texts() {
    }

    /** {@code 30 s}, {@code 1.5 s}, {@code 800 ms}: the way messages and the design doc write time. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** Replaces every occurrence of each secret by {@link #MASK}; blank secrets are ignored. */
    static String scrub(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    /** One line describing a throwable: its class and (possibly scrubbed) message. */
    static String describe(Throwable t, Collection<String> secrets) {
        String message = t.getMessage();
        String kind = t.getClass().getSimpleName();
        return scrub(message == null || message.isBlank() ? kind : kind + ": " + message, secrets);
    }
}
