package io.titan.deploy.rollback;

import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.graph.DependencyGraph;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.health.Pm2OnlineProbe;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.release.ReleaseRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts the release before {@code record} back: services new in the release are removed (dependents
 * first), then each previous definition is put back in dependency order and health-checked,
 * independent services at the same time, each service stopped only once the services it depends on
 * are back, a cluster service worker by worker (a trading service is down for as short as the graph
 * allows, and a cluster service not at all); services that did not exist before stay removed, and services that were
 * stopped before are restored stopped. Rollback carries on past a failing service so that as much
 * as possible is restored, and reports every service it could not restore.
 *
 * <p>Restored means answering at the end: the rollback's last act checks every service it started
 * again, all at once ({@link RestoredCheck}): each must pass its health check (or be online in PM2
 * where it has none) and must not have been restarted since it was restored. One that fails is
 * named, and the rollback has failed.
 *
 * <p>The PM2 daemon may go away during the rollback ({@code pm2 kill}, a SIGKILL, a host shutting
 * down): what was started on it goes with it, and the next daemon stops whatever it left running.
 * A daemon that announced its shutdown is given nothing more to start. The rollback then waits for
 * it to exit and starts over on a new one ({@link RestorePass}), up to {@link #MAX_PASSES} times.
 */
public final class Rollback {

    /** How many times a rollback restores onto a daemon before it gives up on daemons that keep going away. */
    static final int MAX_PASSES = 3;
    private static final String DAEMON_WENT = "the PM2 daemon went away while the previous release was restored: ";

    private final Scope scope;

    /**
     * @param environment where stored {@code ${VAR}} secrets are resolved from
     * @param topology    health checks of the services, or null to rely on PM2's status alone
     */
    public Rollback(ProcessControl pm2, EventBus events, Clock clock, Map<String, String> environment,
                    Topology topology) {
        this.scope = new Scope(pm2, events, clock, Map.copyOf(environment), topology);
    }

    /**
     * The outcome of a rollback.
     *
     * @param success every service was restored (and is healthy where it was running)
     * @param message the first problem, or null
     * @param actions   what was done per service: restored, removed, restored stopped, unchanged, or the failure
     * @param output    the last output lines of each service it started and could not restore, or that
     *                  did not answer at its end, secrets masked
     * @param downtimes how long each service restored running was unavailable while it was put back
     */
    public record Result(boolean success, String message, Map<String, String> actions,
                         Map<String, List<OutputLine>> output, Map<String, Downtime> downtimes) {
        public Result {
            output = Map.copyOf(output);
            downtimes = Map.copyOf(downtimes);
        }
    }

    /**
     * Restores the state before {@code record} for {@code services} (plan order).
     *
     * @param clearPrevious previous definitions with secrets in clear, when this process has them
     * @param touched       services known to have been changed: always restored. Every other service
     *                      is restored only when PM2 does not run its previous definition any more
     *                      (it was touched before a crash, or the PM2 daemon died with it)
     * @param reason        why, for the {@code rollback:started} event
     */
    public Result restore(ReleaseRecord record, List<String> services, Map<String, Pm2App> clearPrevious,
                          Set<String> touched, String reason) {
        scope.events().emit(new DeploymentEvent.RollbackStarted(scope.clock().instant(), record.releaseId(), reason));
        Map<String, RestoredCheck.Restored> restored = new ConcurrentHashMap<>();
        Result result;
        for (int pass = 1; ; pass++) {
            RestorePass attempt = new RestorePass(scope, record, services, clearPrevious, touched, restored);
            Optional<String> lost = attempt.run();
            if (lost.isEmpty()) {
                result = attempt.result();
                break;
            }
            if (pass == MAX_PASSES) {
                result = attempt.gaveUp(DAEMON_WENT + lost.get() + " (" + MAX_PASSES + " times in a row; nothing"
                        + " more was started)");
                break;
            }
            scope.events().emit(new DeploymentEvent.RollbackStarted(scope.clock().instant(), record.releaseId(),
                    DAEMON_WENT + lost.get() + "; restoring it again on a new PM2 daemon"));
        }
        scope.events().emit(new DeploymentEvent.RollbackCompleted(scope.clock().instant(), record.releaseId(),
                result.success(), result.success() ? "previous release restored" : result.message()));
        return result;
    }

    /**
     * What every pass of a rollback works with.
     *
     * @param environment where stored {@code ${VAR}} secrets are resolved from
     * @param topology    health checks and dependencies of the services, or null
     */
    record Scope(ProcessControl pm2, EventBus events, Clock clock, Map<String, String> environment,
                 Topology topology) {

        DependencyGraph graph() {
            return topology == null ? null : topology.graph();
        }

        /** The service's spec, or null when the topology does not have it (or there is none). */
        ServiceSpec spec(String name) {
            return topology == null ? null : topology.services().get(name);
        }

        /** The service's own health check, or PM2 showing it online where it has none. */
        HealthProbe probe(String name) {
            ServiceSpec spec = spec(name);
            return (spec == null ? Optional.<HealthProbe>empty() : ServiceHealth.probe(spec))
                    .orElseGet(() -> new Pm2OnlineProbe(pm2, name));
        }

        void restored(ReleaseRecord record, String name, Downtime downtime) {
            events.emit(new DeploymentEvent.ServiceRestored(clock.instant(), record.id(), name,
                    downtime.window().orElse(null), downtime.failed().orElse(null)));
        }

        void rolledBack(ReleaseRecord record, String name, String action) {
            events.emit(new DeploymentEvent.ServiceRolledBack(clock.instant(), record.releaseId(), name, action));
        }
    }
}
