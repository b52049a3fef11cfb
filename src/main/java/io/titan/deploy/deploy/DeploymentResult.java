package io.titan.deploy.deploy;

import io.titan.deploy.ExitCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a deployment.
 *
 * @param success            every service deployed and stayed up
 * @param releaseId          the release record's id
 * @param rolledBack         the previous release was restored
 * @param rollbackFailed     a rollback was attempted and did not complete
 * @param error              the first failure, or null
 * @param startedAt          start of the deployment
 * @param finishedAt         end, rollback included
 * @param rollbackStartedAt  start of the rollback, or null
 * @param rollbackFinishedAt end of the rollback, or null
 * @param services           per-service outcomes in plan order
 */
public record DeploymentResult(
        boolean success,
        String releaseId,
        boolean rolledBack,
        boolean rollbackFailed,
        String error,
        Instant startedAt,
        Instant finishedAt,
        Instant rollbackStartedAt,
        Instant rollbackFinishedAt,
        List<ServiceOutcome> services) {

    public DeploymentResult {
        services = List.copyOf(services);
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** 0 deployed, 1 failed (rolled back or not), 3 rollback failed. */
    public int exitCode() {
        if (success) {
            return ExitCodes.OK;
        }
        return rollbackFailed ? ExitCodes.ROLLBACK_FAILED : ExitCodes.FAILED;
    }
}
