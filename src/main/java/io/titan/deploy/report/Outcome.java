package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a deployment ended. Written to JSON as {@link #value()}. */
public enum Outcome {
    /** Every service deployed (or was unchanged). */
    SUCCESS("success"),
    /** The deployment failed and the previous release was restored. */
    ROLLED_BACK("rolled-back"),
    /** The deployment failed and restoring the previous release failed too: needs a person. */
    ROLLBACK_FAILED("rollback-failed"),
    /** The deployment failed and no rollback was attempted (for example {@code --no-rollback}). */
    FAILED("failed");

    private final String value;

    Outcome(String value) {
        this.value = value;
    }

    /** The JSON spelling, e.g. {@code rollback-failed}. */
    @JsonValue
    public String value() {
        return value;
    }

    /**
     * Parses the JSON spelling.
     *
     * @throws IllegalArgumentException naming the allowed values when {@code value} is none of them
     */
    @JsonCreator
    public static Outcome of(String value) {
        for (Outcome outcome : values()) {
            if (outcome.value.equals(value)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + value + "', expected one of "
                + Arrays.stream(values()).map(Outcome::value).collect(Collectors.joining(", ")));
    }

    /**
     * The outcome that matches a run's result: success, or failure with no rollback attempted
     * ({@code rollback == null}), or failure with a rollback that did or did not succeed.
     */
    public static Outcome from(boolean success, RollbackReport rollback) {
        if (success) {
            return SUCCESS;
        }
        if (rollback == null) {
            return FAILED;
        }
        return rollback.success() ? ROLLED_BACK : ROLLBACK_FAILED;
    }

    @Override
    public String toString() {
        return value;
    }
}
