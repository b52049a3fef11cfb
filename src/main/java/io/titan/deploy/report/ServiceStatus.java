package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What happened to one service in a deployment. Written to JSON as {@link #value()}. */
public enum ServiceStatus {
    /** Started, healthy within its startup timeout and stable through the soak. */
    DEPLOYED("deployed"),
    /** Started but crashed, never became healthy, or failed its soak. */
    FAILED("failed"),
    /** Never started because a dependency failed (or the deployment stopped first). */
    SKIPPED("skipped"),
    /** Deployed, then put back to the previous release because the deployment failed. */
    ROLLED_BACK("rolled-back"),
    /** Already running the requested definition; left alone. */
    UNCHANGED("unchanged"),
    /** Not yet decided when the report was written (an interrupted run). */
    PENDING("pending");

    private final String value;

    ServiceStatus(String value) {
        this.value = value;
    }

    /** The JSON spelling, e.g. {@code rolled-back}. */
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
    public static ServiceStatus of(String value) {
        for (ServiceStatus status : values()) {
            if (status.value.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown service status '" + value + "', expected one of "
                + Arrays.stream(values()).map(ServiceStatus::value).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return value;
    }
}
