package io.titan.deploy.deploy;

import io.titan.deploy.event.OutputLine;
import io.titan.deploy.health.Downtime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What happened to one service in a deployment.
 *
 * @param status    what became of it
 * @param level     its level in the plan
 * @param startedAt when PM2 was asked to start it, or null
 * @param readyAt   when its health check passed, or null
 * @param duration  start to ready (or to failure), zero when not started
 * @param restarts  PM2 restarts seen during the deployment
 * @param message   why it failed or was skipped, or null
 * @param host      the host it runs on
 * @param output    its last output lines when it failed (and when the rollback could not restore
 *                  it, the restore's after them), secrets masked; empty otherwise
 * @param downtime  how long it answered nothing while it was replaced, or null when it was not
 *                  replaced (unchanged, skipped, failed before it passed its gate)
 * @param restoreDowntime how long it answered nothing while the rollback put it back, or null
 */
public record ServiceOutcome(
        String name,
        ServiceStatus status,
        int level,
        List<String> dependsOn,
        Instant startedAt,
        Instant readyAt,
        Duration duration,
        int restarts,
        String message,
        String host,
        List<OutputLine> output,
        Downtime downtime,
        Downtime restoreDowntime) {

    public ServiceOutcome {
        dependsOn = List.copyOf(dependsOn);
        output = output == null ? List.of() : List.copyOf(output);
    }

    /** An outcome without output lines. */
    public ServiceOutcome(String name, ServiceStatus status, int level, List<String> dependsOn, Instant startedAt,
                          Instant readyAt, Duration duration, int restarts, String message, String host) {
        this(name, status, level, dependsOn, startedAt, readyAt, duration, restarts, message, host, List.of(), null, null);
    }

    public ServiceOutcome withStatus(ServiceStatus newStatus, String newMessage) {
        return new ServiceOutcome(name, newStatus, level, dependsOn, startedAt, readyAt, duration, restarts, newMessage,
                host, output, downtime, restoreDowntime);
    }

    /** This outcome with the downtime of its restore by a rollback. */
    public ServiceOutcome withRestoreDowntime(Downtime restored) {
        return new ServiceOutcome(name, status, level, dependsOn, startedAt, readyAt, duration, restarts, message,
                host, output, downtime, restored);
    }

    /** This outcome with {@code more} output lines after its own. */
    public ServiceOutcome withMoreOutput(List<OutputLine> more) {
        List<OutputLine> all = new java.util.ArrayList<>(output);
        all.addAll(more);
        return new ServiceOutcome(name, status, level, dependsOn, startedAt, readyAt, duration, restarts, message,
                host, all, downtime, restoreDowntime);
    }
}
