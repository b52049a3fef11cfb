package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of one {@code titan-deploy deploy} run, as written by {@code --report}.
 *
 * <p>{@code success}, {@code rolledBack}, {@code outcome} and {@code rollback} say overlapping
 * things (the flat booleans are what a Jenkinsfile tests; {@code outcome} is what a person reads),
 * so the constructor rejects combinations that contradict each other. Use
 * {@link Outcome#from(boolean, RollbackReport)} to derive the outcome.
 *
 * @param success    whether every service deployed
 * @param releaseId  the id of the release this run recorded
 * @param rolledBack whether the previous release was restored successfully
 *                   (true exactly when {@code outcome} is {@link Outcome#ROLLED_BACK})
 * @param error      why the deployment failed; null exactly when it succeeded
 * @param outcome    how the run ended
 * @param startedAt  when the run started
 * @param finishedAt when the run finished, rollback included
 * @param durationMs wall-clock duration of the run
 * @param rollback   the rollback; null unless one was attempted
 * @param services   one entry per service the run was asked to deploy, in dependency order
 */
@JsonPropertyOrder({"type", "formatVersion", "success", "releaseId", "rolledBack", "error", "outcome", "startedAt",
        "finishedAt", "durationMs", "rollback", "services"})
public record DeployReport(
        boolean success,
        String releaseId,
        boolean rolledBack,
        String error,
        Outcome outcome,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant startedAt,
        @JsonSerialize(using = InstantJson.Serializer.class)
        @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant finishedAt,
        long durationMs,
        RollbackReport rollback,
        List<ServiceReport> services) implements Report {

    /** The JSON {@code type} of a deploy report. */
    public static final String TYPE = "deploy";

    /** Validates the components and that they agree with each other; copies {@code services}. */
    public DeployReport {
        Checks.requireNonBlank(releaseId, "DeployReport.releaseId");
        Objects.requireNonNull(outcome, "DeployReport.outcome must not be null");
        Objects.requireNonNull(startedAt, "DeployReport.startedAt must not be null");
        Objects.requireNonNull(finishedAt, "DeployReport.finishedAt must not be null");
        if (finishedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("DeployReport.finishedAt " + finishedAt
                    + " is before startedAt " + startedAt);
        }
        Checks.requireNonNegative(durationMs, "DeployReport.durationMs");
        services = List.copyOf(Objects.requireNonNull(services, "DeployReport.services must not be null"));
        Outcome expected = Outcome.from(success, rollback);
        if (outcome != expected) {
            throw new IllegalArgumentException("DeployReport.outcome is '" + outcome + "' but success="
                    + success + " and rollback " + describe(rollback) + " mean '" + expected + "'");
        }
        if (rolledBack != (outcome == Outcome.ROLLED_BACK)) {
            throw new IllegalArgumentException("DeployReport.rolledBack=" + rolledBack
                    + " contradicts outcome '" + outcome + "'");
        }
        if (success != (error == null)) {
            throw new IllegalArgumentException(success
                    ? "DeployReport.error must be null for a successful deployment but was: " + error
                    : "DeployReport.error must say why the deployment failed but was null");
        }
    }

    private static String describe(RollbackReport rollback) {
        if (rollback == null) {
            return "absent";
        }
        return rollback.success() ? "succeeded" : "failed";
    }

    @Override
    @JsonProperty(value = "type", access = JsonProperty.Access.READ_ONLY)
    public String type() {
        return TYPE;
    }

    /** How many services ended with {@code status}. */
    @JsonIgnore
    public long count(ServiceStatus status) {
        return services.stream().filter(s -> s.status() == status).count();
    }
}
