package io.titan.deploy.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What happened to one service in a deployment: the one vocabulary of the engine, its reports
 * (written as {@link #value()}) and the Jenkins steps (which read {@link #stageResult()}).
 */
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
    /** Not started yet; never left in a finished deployment's report except by an interrupted run. */
    PENDING("pending"),
    /** Being started or health-checked; a finished deployment turns it into another status. */
    DEPLOYING("deploying"),
    /**
     * Started and healthy, its soak still to come: a release in steps between {@code release service
     * --until healthy} and {@code release soak}; a release that ends there left it unproven.
     */
    HEALTHY("healthy");

    private final String value;

    ServiceStatus(String value) {
        this.value = value;
    }

    /**
     * The Jenkins result of the service's stage: green for what runs as wanted, red for the service
     * that failed, yellow for one undone with its release, grey for one never started.
     */
    public String stageResult() {
        return switch (this) {
            case DEPLOYED, UNCHANGED, HEALTHY -> "SUCCESS";
            case FAILED, DEPLOYING -> "FAILURE";
            case ROLLED_BACK -> "UNSTABLE";
            case SKIPPED, PENDING -> "NOT_BUILT";
        };
    }

    /** True for the statuses in which the service runs as the release wanted. */
    public boolean ok() {
        return this == DEPLOYED || this == UNCHANGED;
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
