package io.titan.deploy.rollback;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.graph.DependencyGraph;
import io.titan.deploy.graph.DependencyWalk;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.health.AbstractWaitStrategy;
import io.titan.deploy.health.Durations;
import io.titan.deploy.health.HealthCheckException;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.Wait;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2OnlineProbe;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.PreviousApp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts the release before {@code record} back: the record's services are removed in reverse
 * dependency order, then each previous definition is started again in dependency order and
 * health-checked, independent services at the same time (a trading service is down for as short
 * as the graph allows); services that did not exist before stay removed, and services that were
 * stopped before are restored stopped. Rollback carries on past a failing service so that as much
 * as possible is restored, and reports every service it could not restore.
 */
public final class Rollback {

    private static final Duration DEFAULT_STARTUP = Duration.ofSeconds(30);

    private final ProcessControl pm2;
    private final EventBus events;
    private final Clock clock;
    private final Map<String, String> environment;
    private final Topology topology;
    private Map<String, Pm2AppDefinition> current;

    /**
     * @param environment where stored {@code ${VAR}} secrets are resolved from
     * @param topology    health checks of the services, or null to rely on PM2's status alone
     */
    public Rollback(ProcessControl pm2, EventBus events, Clock clock, Map<String, String> environment,
                    Topology topology) {
        this.pm2 = pm2;
        this.events = events;
        this.clock = clock;
        this.environment = Map.copyOf(environment);
        this.topology = topology;
    }

    /**
     * The outcome of a rollback.
     *
     * @param success every service was restored (and is healthy where it was running)
     * @param message the first problem, or null
     * @param actions what was done per service: restored, removed, restored stopped, unchanged, or the failure
     * @param output  the last output lines of each service it started and could not restore, secrets masked
     */
    public record Result(boolean success, String message, Map<String, String> actions,
                         Map<String, List<OutputLine>> output) {
        public Result {
            output = Map.copyOf(output);
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
        events.emit(new DeploymentEvent.RollbackStarted(clock.instant(), record.id(), reason));
        Map<String, String> actions = new LinkedHashMap<>();
        List<String> toRestore = new ArrayList<>();
        current = null;
        for (String name : services) {
            PreviousApp before = record.previous().getOrDefault(name, PreviousApp.absent());
            if (!touched.contains(name) && matches(Optional.ofNullable(current().get(name)), before)) {
                actions.put(name, "unchanged");
            } else {
                toRestore.add(name);
            }
        }
        Map<String, String> problems = new ConcurrentHashMap<>();
        Map<String, String> done = new ConcurrentHashMap<>();
        Map<String, List<OutputLine>> output = new ConcurrentHashMap<>();
        DependencyGraph graph = topology == null ? null : topology.graph();
        DependencyWalk.inReverseDependencyOrder(toRestore, graph, name -> {
            try {
                pm2.delete(name);
            } catch (TitanException e) {
                problems.put(name, name + ": " + e.getMessage());
                done.put(name, "could not remove: " + e.getMessage());
            }
        });
        RestoreOutput restored = new RestoreOutput(pm2, topology, environment);
        DependencyWalk.inDependencyOrder(toRestore, graph, name -> {
            PreviousApp before = record.previous().getOrDefault(name, PreviousApp.absent());
            String action;
            try {
                action = restoreOne(name, before, clearPrevious.get(name), record.id(), restored);
            } catch (TitanException | IllegalStateException e) {
                action = "failed: " + e.getMessage();
                problems.putIfAbsent(name, name + ": " + e.getMessage());
                restored.of(name).ifPresent(lines -> output.put(name, lines));
            }
            done.put(name, action);
            events.emit(new DeploymentEvent.ServiceRolledBack(clock.instant(), record.id(), name, action));
            Optional.ofNullable(output.get(name)).ifPresent(lines ->
                    events.emit(new DeploymentEvent.ServiceOutput(clock.instant(), record.id(), name, lines)));
        });
        restored.close();
        toRestore.forEach(name -> actions.put(name, done.get(name)));
        String firstProblem = toRestore.stream().map(problems::get).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        boolean success = firstProblem == null;
        events.emit(new DeploymentEvent.RollbackCompleted(clock.instant(), record.id(), success,
                success ? "previous release restored" : firstProblem));
        return new Result(success, firstProblem, actions, output);
    }

    private String restoreOne(String name, PreviousApp before, Pm2App clear, String releaseId, RestoreOutput restored) {
        if (!before.existed()) {
            return "removed (it did not exist before release " + releaseId + ")";
        }
        Pm2App app = clear != null ? clear : before.app().toPm2App(environment);
        restored.keep(name, app, before.app().secretEnv());
        pm2.start(app);
        Instant launched = clock.instant();
        if (!before.running()) {
            pm2.stop(name);
            return "restored (stopped, as it was)";
        }
        awaitHealthy(name, launched);
        return "restored";
    }

    private void awaitHealthy(String name, Instant launched) {
        ServiceSpec spec = topology == null ? null : topology.services().get(name);
        Duration timeout = spec == null ? DEFAULT_STARTUP : spec.startupTimeout();
        HealthProbe probe = (spec == null ? Optional.<HealthProbe>empty() : ServiceHealth.probe(spec))
                .orElseGet(() -> new Pm2OnlineProbe(pm2, name));
        try {
            Wait.forProbe(probe).withStartupTimeout(timeout)
                    .withAttemptTimeout(spec == null ? AbstractWaitStrategy.DEFAULT_ATTEMPT_TIMEOUT : spec.healthTimeout())
                    .withBackoff(ServiceHealth.STARTUP_BACKOFF).waitUntilReady();
        } catch (HealthCheckException e) {
            throw new TitanException(name + " was restored but is not healthy within " + Durations.format(timeout)
                    + " of " + launched + ": " + e.getMessage(), e.exitCode());
        }
    }

    /** PM2's definitions, read once per restore: one jlist instead of one per service. */
    private Map<String, Pm2AppDefinition> current() {
        if (current == null) {
            current = pm2.snapshot().definitions();
        }
        return current;
    }

    /** Whether PM2 already runs exactly what was there before: the same definition, running or stopped alike. */
    private boolean matches(Optional<Pm2AppDefinition> now, PreviousApp before) {
        if (!before.existed()) {
            return now.isEmpty();
        }
        return now.isPresent() && now.get().running() == before.running()
                && before.app().sameDefinition(now.get().app());
    }

}
