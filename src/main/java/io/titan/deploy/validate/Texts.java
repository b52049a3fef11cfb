package io.titan.deploy.validate;

import java.util.Collection;

/** Message helpers: secret scrubbing. */
final class Texts {

    static final String MASK = "****";

    private Texts() {
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
