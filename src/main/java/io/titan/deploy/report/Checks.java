package io.titan.deploy.report;

import java.util.Objects;

/** Argument checks shared by the report records; messages name the record and the field. */
final class Checks {

    private Checks() {
    }

    static String requireNonBlank(String value, String what) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    static long requireNonNegative(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be >= 0 but was " + value);
        }
        return value;
    }
}
