package io.titan.deploy.deploy;

import io.titan.deploy.rollback.Rollback;
import java.util.ArrayList;
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

    /** Every service deployed (or was left unchanged) and the release was accepted. */
    static DeploymentResult deployed(String releaseId, Instant startedAt, Instant finishedAt,
                                     List<ServiceOutcome> services) {
        return new DeploymentResult(true, releaseId, false, false, null, startedAt, finishedAt, null, null, services);
    }

    /** The release failed and nothing was restored (yet): {@code --no-rollback}, or a restore elsewhere. */
    static DeploymentResult failed(String releaseId, String error, Instant startedAt, Instant finishedAt,
                                   List<ServiceOutcome> services) {
        return new DeploymentResult(false, releaseId, false, false, error, startedAt, finishedAt, null, null, services);
    }

    /**
     * The release failed and the previous one was restored, or restoring it failed. Each service
     * the rollback put back says so; a failed one keeps its failure, a skipped one why it was skipped,
     * and one the rollback could not bring back (or that did not answer at its end) is failed, saying why.
     * A service the rollback could not restore carries the restore's last output lines after its own.
     */
    static DeploymentResult rolledBack(String releaseId, String error, Instant startedAt, Instant rollbackStartedAt,
                                       Instant finishedAt, List<ServiceOutcome> services, Rollback.Result restore) {
        List<ServiceOutcome> outcomes = new ArrayList<>();
        for (ServiceOutcome service : services) {
            ServiceOutcome o = service.withMoreOutput(restore.output().getOrDefault(service.name(), List.of()));
            String action = restore.actions().get(o.name());
            if (action != null && action.startsWith("failed")) {
                String why = "rollback failed: " + action.substring("failed".length()).replaceFirst("^: ", "");
                outcomes.add(o.withStatus(ServiceStatus.FAILED, o.status() == ServiceStatus.FAILED
                        ? o.message() + "; " + why : why));
            } else if (action == null || action.equals("unchanged") || o.status() == ServiceStatus.FAILED) {
                outcomes.add(o.withRestoreDowntime(restore.downtimes().get(o.name())));
            } else {
                // The status says "rolled-back": the message says what the restore did, not that again.
                outcomes.add(o.withStatus(ServiceStatus.ROLLED_BACK,
                        o.status() == ServiceStatus.SKIPPED ? o.message() : action)
                        .withRestoreDowntime(restore.downtimes().get(o.name())));
            }
        }
        String message = restore.success() ? error : error + "; rollback failed: " + restore.message();
        return new DeploymentResult(false, releaseId, restore.success(), !restore.success(), message, startedAt,
                finishedAt, rollbackStartedAt, finishedAt, outcomes);
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
