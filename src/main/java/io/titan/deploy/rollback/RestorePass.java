package io.titan.deploy.rollback;

import io.titan.deploy.TitanException;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.graph.DependencyWalk;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Exception;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessWatch;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.PreviousApp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One attempt of a {@link Rollback} on one PM2 daemon, from its first look at PM2 to the final
 * check: it removes the services new in the release (dependents first), then puts each previous
 * definition back in dependency order ({@link Reinstate}), each service stopped only then, once the
 * services it depends on are back, and waits for its health; last it checks every service restored
 * so far ({@link RestoredCheck}). When the daemon goes away meanwhile, the attempt stops starting
 * things and says so; what it started went with the daemon, and the rollback makes another attempt.
 * A service it cannot restore, or that fails the final check, carries the last lines it printed
 * since this attempt started it ({@link RestoreOutput}).
 */
final class RestorePass {


    private final Rollback.Scope scope;
    private final ReleaseRecord record;
    private final List<String> services;
    private final Map<String, Pm2App> clearPrevious;
    private final Set<String> touched;
    private final Map<String, RestoredCheck.Restored> restored;
    private final Map<String, String> actions = new LinkedHashMap<>();
    private final List<String> toRestore = new ArrayList<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final Map<String, String> done = new ConcurrentHashMap<>();
    private final Map<String, Downtime> downtimes = new ConcurrentHashMap<>();
    private Map<String, String> unfit = Map.of();
    private RestoreOutput output;
    private volatile String callLost;

    /**
     * @param restored what earlier attempts restored, kept up to date by this one: checked at its end
     */
    RestorePass(Rollback.Scope scope, ReleaseRecord record, List<String> services, Map<String, Pm2App> clearPrevious,
                Set<String> touched, Map<String, RestoredCheck.Restored> restored) {
        this.scope = scope;
        this.record = record;
        this.services = services;
        this.clearPrevious = clearPrevious;
        this.touched = touched;
        this.restored = restored;
    }

    /**
     * Restores and checks. Returns why the daemon went away meanwhile (this attempt's work went with
     * it), or empty when it stayed; then {@link #result()} says how it went.
     */
    Optional<String> run() {
        ProcessWatch watch;
        try {
            // Waits out a daemon that is shutting down, and starts one where none runs.
            watch = scope.pm2().watch();
        } catch (TitanException e) {
            fail(services, "cannot reach the PM2 daemon: " + e.getMessage());
            return Optional.empty();
        }
        output = new RestoreOutput(scope, watch);
        try (watch) {
            Pm2Snapshot now;
            try {
                now = scope.pm2().snapshot();
            } catch (TitanException e) {
                if (lostWith(e, watch)) {
                    return lost(watch);
                }
                fail(services, "cannot read PM2's process list: " + e.getMessage());
                return Optional.empty();
            }
            plan(now);
            BooleanSupplier gone = () -> watch.daemonLost().isPresent();
            walk(DependencyWalk.dependents(scope.graph()), gone, name -> remove(name, watch));
            walk(DependencyWalk.dependencies(scope.graph()), gone, name -> restoreOne(name, watch));
            if (lost(watch).isEmpty()) {
                check(watch);
            }
            return lost(watch);
        }
    }

    /**
     * Runs {@code step} on each service to restore once what it waits for is done, independent ones
     * at once; once {@code gone} holds, no step starts.
     */
    private void walk(Function<String, ? extends Collection<String>> waitsFor, BooleanSupplier gone,
                      Consumer<String> step) {
        DependencyWalk.walk(toRestore, waitsFor, Integer.MAX_VALUE, gone, (name, release) -> {
            try {
                step.accept(name);
            } finally {
                release.run();
            }
        });
    }

    /** Why this attempt's daemon went away: its announcement, its socket closing, or a call it dropped. */
    private Optional<String> lost(ProcessWatch watch) {
        return watch.daemonLost().or(() -> Optional.ofNullable(callLost));
    }

    /**
     * What to restore: the services the plan does not leave alone (the deploy's planner, with the
     * record as the desired state: what the daemon does not run as before, and what the release touched).
     */
    private void plan(Pm2Snapshot now) {
        ChangePlan plan = RollbackPlan.plan(record, services, now, touched, scope.topology());
        for (ServiceChange change : plan.services()) {
            String name = change.name();
            if (change.action() == ServiceChange.Action.UNCHANGED) {
                actions.put(name, "unchanged");
                if (restored.containsKey(name)) {
                    // Started by an earlier attempt on this daemon: checked at the end from here on.
                    restored.put(name, RestoredCheck.Restored.of(now.processes().stream()
                            .filter(p -> p.name().equals(name)).toList()));
                }
            } else {
                toRestore.add(name);
            }
        }
    }

    /** A service new in the release goes before anything is restored: it may hold what an old one needs. */
    private void remove(String name, ProcessWatch watch) {
        if (previous(name).existed()) {
            return;
        }
        try {
            scope.pm2().delete(name);
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
            // An app of this daemon stopped from outside may be the daemon shutting down: know first.
            watch.awaitVerdict(ProcessWatch.DEFAULT_SHUTDOWN_GRACE.multipliedBy(2));
            if (watch.daemonLost().isPresent()) {
                // Nothing more goes to a daemon that is going: the next attempt restores it on a new one.
                return;
            }
            action = start(name, watch);
        } catch (TitanException | IllegalStateException e) {
            if (lostWith(e, watch)) {
                return;
            }
            action = "failed: " + e.getMessage();
            problems.putIfAbsent(name, name + ": " + e.getMessage());
            output.take(name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            action = "failed: interrupted";
            problems.putIfAbsent(name, name + ": interrupted");
        }
        done.put(name, action);
        scope.rolledBack(record, name, action);
        output.show(record, name);
    }

    /**
     * Puts the previous definition in place of what runs, stopping what runs only now, once the
     * services it depends on are back: cluster worker by worker, anything else stopped and started.
     */
    private String start(String name, ProcessWatch watch) {
        PreviousApp before = previous(name);
        if (!before.existed()) {
            return "removed (it did not exist before release " + record.releaseId() + ")";
        }
        Pm2App clear = clearPrevious.get(name);
        Pm2App app = clear != null ? clear : before.app().toPm2App(scope.environment());
        output.keep(name, app, before.app().secretEnv());
        if (!before.running()) {
            scope.pm2().start(app);
            scope.pm2().stop(name);
            return "restored (stopped, as it was)";
        }
        Downtime downtime = new Reinstate(scope, name, watch).run(app);
        restored.put(name, RestoredCheck.Restored.of(scope.pm2().processes().stream()
                .filter(p -> p.name().equals(name)).toList()));
        downtimes.put(name, downtime);
        scope.restored(record, name, downtime);
        return "restored";
    }

    /** Whether {@code e} came from the daemon going away, which makes this attempt's work moot. */
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

    /** Every service restored so far (by this attempt or an earlier one on this daemon), checked at once. */
    private void check(ProcessWatch watch) {
        List<String> names = services.stream().filter(restored::containsKey)
                .filter(name -> !done.getOrDefault(name, "").startsWith("failed")).toList();
        if (names.isEmpty()) {
            return;
        }
        try {
            unfit = RestoredCheck.run(scope, names, restored, scope.pm2().processes(), e -> lostWith(e, watch));
        } catch (TitanException e) {
            if (!lostWith(e, watch)) {
                Map<String, String> all = new LinkedHashMap<>();
                names.forEach(name -> all.put(name, "could not be checked: " + e.getMessage()));
                unfit = all;
            }
        }
        unfit.keySet().forEach(output::take);
    }

    /** Marks every one of {@code names} failed with {@code why}. */
    private void fail(List<String> names, String why) {
        for (String name : names) {
            done.put(name, "failed: " + why);
            problems.putIfAbsent(name, why);
            toRestore.add(name);
        }
    }

    /** How the attempt went, once {@link #run()} returned empty. */
    Rollback.Result result() {
        toRestore.forEach(name -> actions.put(name, done.getOrDefault(name, "failed: not restored")));
        List<String> atTheEnd = new ArrayList<>();
        for (String name : services) {
            String why = unfit.get(name);
            if (why != null) {
                String action = "failed: restored, but at the end of the rollback it " + why;
                actions.put(name, action);
                scope.rolledBack(record, name, action);
                output.show(record, name);
                atTheEnd.add(name + " " + why);
            }
        }
        String first = toRestore.stream().map(problems::get).filter(Objects::nonNull).findFirst().orElse(null);
        String unanswered = atTheEnd.isEmpty() ? null
                : "not answering at the end of the rollback: " + String.join("; ", atTheEnd);
        String message = first == null ? unanswered : unanswered == null ? first : first + "; " + unanswered;
        return new Rollback.Result(message == null, message, orderedActions(),
                output == null ? Map.of() : output.taken(), Map.copyOf(downtimes));
    }

    /**
     * The last attempt lost its daemon too: nothing it did can be trusted, and the services' lines
     * would not say why they are down.
     */
    Rollback.Result gaveUp(String why) {
        for (String name : toRestore) {
            String action = "failed: " + why;
            actions.put(name, action);
            scope.rolledBack(record, name, action);
        }
        return new Rollback.Result(false, why, orderedActions(), Map.of(), Map.of());
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
