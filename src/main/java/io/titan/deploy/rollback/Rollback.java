package io.titan.deploy.rollback;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.event.DeploymentEvent;
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
import io.titan.deploy.pm2.Pm2Exception;
import io.titan.deploy.pm2.Pm2OnlineProbe;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessWatch;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.PreviousApp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Puts the release before {@code record} back: the record's services are removed in reverse
 * dependency order, then each previous definition is started again in dependency order and
 * health-checked, independent services at the same time (a trading service is down for as short
 * as the graph allows); services that did not exist before stay removed, and services that were
 * stopped before are restored stopped. Rollback carries on past a failing service so that as much
 * as possible is restored, and reports every service it could not restore.
 *
 * <p>Restored means answering at the end: the rollback's last act checks every service it started
 * again, all at once: each must pass its health check (or be online in PM2 where it has none) and
 * must not have been restarted since it was restored. One that fails is named, and the rollback has
 * failed.
 *
 * <p>The PM2 daemon may go away during the rollback ({@code pm2 kill}, a SIGKILL, a host shutting
 * down): what was started on it goes with it, and the next daemon stops whatever it left running.
 * A daemon that announced its shutdown is given nothing more to start. The rollback then waits for
 * it to exit, and starts over on a new one, up to {@link #MAX_PASSES} times.
 */
public final class Rollback {

    /** How many times a rollback restores onto a daemon before it gives up on daemons that keep going away. */
    static final int MAX_PASSES = 3;
    private static final Duration DEFAULT_STARTUP = Duration.ofSeconds(30);
    private static final String DAEMON_WENT = "the PM2 daemon went away while the previous release was restored: ";

    private final ProcessControl pm2;
    private final EventBus events;
    private final Clock clock;
    private final Map<String, String> environment;
    private final Topology topology;

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
     */
    public record Result(boolean success, String message, Map<String, String> actions) {
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
        Map<String, Restored> restored = new ConcurrentHashMap<>();
        Result result;
        for (int pass = 1; ; pass++) {
            Pass attempt = new Pass(record, services, clearPrevious, touched, restored);
            Optional<String> lost = attempt.run();
            if (lost.isEmpty()) {
                result = attempt.result();
                break;
            }
            if (pass == MAX_PASSES) {
                result = attempt.gaveUp(DAEMON_WENT + lost.get() + " (" + MAX_PASSES + " times; the last time"
                        + " PM2 was left as it is)");
                break;
            }
            events.emit(new DeploymentEvent.RollbackStarted(clock.instant(), record.id(), DAEMON_WENT + lost.get()
                    + "; restoring it again on a new PM2 daemon"));
        }
        events.emit(new DeploymentEvent.RollbackCompleted(clock.instant(), record.id(), result.success(),
                result.success() ? "previous release restored" : result.message()));
        return result;
    }

    /**
     * A service a pass started again and saw healthy: the {@code unique_id} of each of its processes
     * with its restart count at that moment.
     */
    private record Restored(Map<String, Integer> restartsByStart) {
        static Restored of(List<Pm2Process> processes) {
            Map<String, Integer> restarts = new HashMap<>();
            processes.forEach(p -> restarts.put(String.valueOf(p.uniqueId()), p.restarts()));
            return new Restored(Map.copyOf(restarts));
        }
    }

    /** One attempt at the restore, on one daemon, from its first look at PM2 to the final check. */
    private final class Pass {
        private final ReleaseRecord record;
        private final List<String> services;
        private final Map<String, Pm2App> clearPrevious;
        private final Set<String> touched;
        private final Map<String, Restored> restored;
        private final Map<String, String> actions = new LinkedHashMap<>();
        private final List<String> toRestore = new ArrayList<>();
        private final Map<String, String> problems = new ConcurrentHashMap<>();
        private final Map<String, String> done = new ConcurrentHashMap<>();
        private final Map<String, String> unfit = new ConcurrentHashMap<>();
        private volatile String callLost;

        Pass(ReleaseRecord record, List<String> services, Map<String, Pm2App> clearPrevious, Set<String> touched,
             Map<String, Restored> restored) {
            this.record = record;
            this.services = services;
            this.clearPrevious = clearPrevious;
            this.touched = touched;
            this.restored = restored;
        }

        /**
         * Restores and checks. Returns why the daemon went away meanwhile (this pass's work went
         * with it), or empty when it stayed.
         */
        Optional<String> run() {
            ProcessWatch watch;
            Pm2Snapshot now;
            try {
                // Waits out a daemon that is shutting down, and starts one where none runs.
                watch = pm2.watch();
            } catch (TitanException e) {
                fail(services, "cannot reach the PM2 daemon: " + e.getMessage());
                return Optional.empty();
            }
            try (watch) {
                try {
                    now = pm2.snapshot();
                } catch (TitanException e) {
                    return watch.daemonLost().or(() -> Optional.of(e.getMessage()));
                }
                plan(now);
                BooleanSupplier lost = () -> watch.daemonLost().isPresent();
                DependencyWalk.walk(toRestore, dependents(), Integer.MAX_VALUE, lost, (name, release) -> {
                    try {
                        remove(name, watch);
                    } finally {
                        release.run();
                    }
                });
                DependencyWalk.walk(toRestore, DependencyWalk.dependencies(graph()), Integer.MAX_VALUE, lost,
                        (name, release) -> {
                            try {
                                restoreOne(name, watch);
                            } finally {
                                release.run();
                            }
                        });
                Optional<String> gone = watch.daemonLost().or(() -> Optional.ofNullable(callLost));
                if (gone.isPresent()) {
                    return gone;
                }
                check(watch);
                return watch.daemonLost();
            }
        }

        /** What to restore: what the daemon does not run as before, and what the release touched. */
        private void plan(Pm2Snapshot now) {
            Map<String, Pm2AppDefinition> current = now.definitions();
            for (String name : services) {
                PreviousApp before = previous(name);
                if (!touched.contains(name) && matches(Optional.ofNullable(current.get(name)), before)) {
                    actions.put(name, "unchanged");
                    if (restored.containsKey(name)) {
                        // Started by an earlier pass on this daemon: checked at the end from here on.
                        restored.put(name, Restored.of(now.processes().stream()
                                .filter(p -> p.name().equals(name)).toList()));
                    }
                } else {
                    toRestore.add(name);
                }
            }
        }

        private void remove(String name, ProcessWatch watch) {
            try {
                pm2.delete(name);
            } catch (TitanException e) {
                if (!lostWith(e, watch)) {
                    problems.put(name, name + ": " + e.getMessage());
                    done.put(name, "could not remove: " + e.getMessage());
                }
            }
        }

        private void restoreOne(String name, ProcessWatch watch) {
            String action;
            try {
                action = start(name, watch);
            } catch (TitanException | IllegalStateException e) {
                if (lostWith(e, watch)) {
                    return;
                }
                action = "failed: " + e.getMessage();
                problems.putIfAbsent(name, name + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                action = "failed: interrupted";
                problems.putIfAbsent(name, name + ": interrupted");
            }
            done.put(name, action);
            events.emit(new DeploymentEvent.ServiceRolledBack(clock.instant(), record.id(), name, action));
        }

        private String start(String name, ProcessWatch watch) throws InterruptedException {
            PreviousApp before = previous(name);
            if (!before.existed()) {
                return "removed (it did not exist before release " + record.id() + ")";
            }
            // An app of this daemon stopped from outside may be the daemon shutting down: wait to know.
            watch.awaitVerdict(ProcessWatch.DEFAULT_SHUTDOWN_GRACE.multipliedBy(2));
            Optional<String> lost = watch.daemonLost();
            if (lost.isPresent()) {
                throw new IllegalStateException(lost.get());
            }
            Pm2App clear = clearPrevious.get(name);
            Pm2App app = clear != null ? clear : before.app().toPm2App(environment);
            List<Pm2Process> started = pm2.start(app);
            Instant launched = clock.instant();
            if (!before.running()) {
                pm2.stop(name);
                return "restored (stopped, as it was)";
            }
            watch.watch(name, started);
            awaitHealthy(name, launched, watch);
            restored.put(name, Restored.of(pm2.processes().stream().filter(p -> p.name().equals(name)).toList()));
            return "restored";
        }

        /** Whether {@code e} came from the daemon going away, which makes this pass's work moot. */
        private boolean lostWith(RuntimeException e, ProcessWatch watch) {
            if (watch.daemonLost().isPresent()) {
                return true;
            }
            if (e instanceof Pm2Exception pm2Error && pm2Error.connectionLost()) {
                callLost = e.getMessage();
                return true;
            }
            return false;
        }

        /**
         * The rollback's last act: every service it started again (in any pass) must answer its
         * health check now and must not have been restarted since it was restored, all checked at once.
         */
        private void check(ProcessWatch watch) {
            List<String> names = services.stream().filter(restored::containsKey)
                    .filter(name -> !done.getOrDefault(name, "").startsWith("failed")).toList();
            if (names.isEmpty()) {
                return;
            }
            List<Pm2Process> processes;
            try {
                processes = pm2.processes();
            } catch (TitanException e) {
                if (!lostWith(e, watch)) {
                    names.forEach(name -> unfit.put(name, "could not be checked: " + e.getMessage()));
                }
                return;
            }
            DependencyWalk.inDependencyOrder(names, null, name -> unfit(name, processes)
                    .ifPresent(why -> unfit.put(name, why)));
        }

        private Optional<String> unfit(String name, List<Pm2Process> processes) {
            List<Pm2Process> mine = processes.stream().filter(p -> p.name().equals(name)).toList();
            if (mine.isEmpty()) {
                return Optional.of("is not in PM2's process list any more");
            }
            Map<String, Integer> then = restored.get(name).restartsByStart();
            for (Pm2Process process : mine) {
                Integer restarts = then.get(String.valueOf(process.uniqueId()));
                if (restarts == null) {
                    return Optional.of("was replaced by another start of it since it was restored");
                }
                if (process.restarts() > restarts) {
                    int times = process.restarts() - restarts;
                    return Optional.of("was restarted by PM2 " + times + (times == 1 ? " time" : " times")
                            + " since it was restored (it crashed or was killed)");
                }
                if (!process.isOnline()) {
                    return Optional.of("is " + process.status().pm2Name() + " in PM2");
                }
            }
            ServiceSpec spec = spec(name);
            HealthProbe probe = probe(name, spec);
            ProbeResult answer = probe.probe(spec == null ? AbstractWaitStrategy.DEFAULT_ATTEMPT_TIMEOUT
                    : spec.healthTimeout());
            return answer.healthy() ? Optional.empty()
                    : Optional.of("does not answer (" + probe.target() + ": " + answer.observed() + ")");
        }

        /** Marks every one of {@code names} failed with {@code why}. */
        private void fail(List<String> names, String why) {
            for (String name : names) {
                done.put(name, "failed: " + why);
                problems.putIfAbsent(name, why);
                toRestore.add(name);
            }
        }

        Result result() {
            List<String> finalProblems = new ArrayList<>();
            toRestore.forEach(name -> {
                String why = unfit.get(name);
                if (why != null) {
                    String action = "failed: restored, but at the end of the rollback it " + why;
                    done.put(name, action);
                    events.emit(new DeploymentEvent.ServiceRolledBack(clock.instant(), record.id(), name, action));
                }
                actions.put(name, done.getOrDefault(name, "failed: not restored"));
            });
            // A service left unchanged by this pass may have been restored by an earlier one.
            unfit.forEach((name, why) -> {
                if (!toRestore.contains(name)) {
                    String action = "failed: restored, but at the end of the rollback it " + why;
                    actions.put(name, action);
                    events.emit(new DeploymentEvent.ServiceRolledBack(clock.instant(), record.id(), name, action));
                }
            });
            services.stream().filter(unfit::containsKey).forEach(name -> finalProblems.add(name + " " + unfit.get(name)));
            String first = toRestore.stream().map(problems::get).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(null);
            String atTheEnd = finalProblems.isEmpty() ? null
                    : "not answering at the end of the rollback: " + String.join("; ", finalProblems);
            String message = first == null ? atTheEnd : atTheEnd == null ? first : first + "; " + atTheEnd;
            return new Result(message == null, message, orderedActions());
        }

        /** The last pass also lost its daemon: nothing it did can be trusted. */
        Result gaveUp(String why) {
            for (String name : toRestore) {
                String action = "failed: " + why;
                actions.put(name, action);
                events.emit(new DeploymentEvent.ServiceRolledBack(clock.instant(), record.id(), name, action));
            }
            return new Result(false, why, orderedActions());
        }

        private Map<String, String> orderedActions() {
            Map<String, String> ordered = new LinkedHashMap<>();
            services.forEach(name -> ordered.put(name, actions.getOrDefault(name, "unchanged")));
            return ordered;
        }

        private PreviousApp previous(String name) {
            return record.previous().getOrDefault(name, PreviousApp.absent());
        }
    }

    private DependencyGraph graph() {
        return topology == null ? null : topology.graph();
    }

    /** What a service waits for when removing: its dependents. */
    private java.util.function.Function<String, java.util.Collection<String>> dependents() {
        DependencyGraph graph = graph();
        return name -> graph != null && graph.services().contains(name) ? graph.dependentsOf(name) : Set.of();
    }

    private ServiceSpec spec(String name) {
        return topology == null ? null : topology.services().get(name);
    }

    /** The service's own health check, or PM2 showing it online where it has none. */
    private HealthProbe probe(String name, ServiceSpec spec) {
        return (spec == null ? Optional.<HealthProbe>empty() : ServiceHealth.probe(spec))
                .orElseGet(() -> new Pm2OnlineProbe(pm2, name));
    }

    /** Waits for the restored service's health; gives up at once when the daemon goes away. */
    private void awaitHealthy(String name, Instant launched, ProcessWatch watch) {
        ServiceSpec spec = spec(name);
        Duration timeout = spec == null ? DEFAULT_STARTUP : spec.startupTimeout();
        try {
            Wait.forProbe(probe(name, spec)).withStartupTimeout(timeout)
                    .withAttemptTimeout(spec == null ? AbstractWaitStrategy.DEFAULT_ATTEMPT_TIMEOUT : spec.healthTimeout())
                    .withBackoff(ServiceHealth.STARTUP_BACKOFF).withAbortCheck(watch::daemonLost).waitUntilReady();
        } catch (HealthCheckException e) {
            throw new TitanException(name + " was restored but is not healthy within " + Durations.format(timeout)
                    + " of " + launched + ": " + e.getMessage(), e.exitCode());
        }
    }

    /** Whether PM2 already runs exactly what was there before: the same definition, running or stopped alike. */
    private static boolean matches(Optional<Pm2AppDefinition> now, PreviousApp before) {
        if (!before.existed()) {
            return now.isEmpty();
        }
        return now.isPresent() && now.get().running() == before.running()
                && before.app().sameDefinition(now.get().app());
    }
}
