package io.titan.deploy.change;

import io.titan.deploy.change.ServiceChange.Action;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2Process;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, per service, whether a deploy starts, restarts or leaves it alone, the way docker compose
 * recreates only changed containers: a pure function of what the topology wants and what was
 * observed. A service is left alone only when PM2 runs it online, the fingerprint kept with its app
 * (the one it was started with) equals the one wanted now, and its health check passed when
 * observed. Anything less certain is a restart: a needless restart costs seconds, a missed one
 * leaves old code running.
 */
public final class ChangePlanner {

    private final Topology topology;

    /** @param topology the services' specs; null for a rollback's plan without one (no {@code restartWith}) */
    public ChangePlanner(Topology topology) {
        this.topology = topology;
    }

    /** What a deploy must observe before it can plan: whether each service may be left alone. */
    public List<String> needHealth(List<String> targets, Map<String, Pm2App> wanted, ObservedState observed) {
        List<String> candidates = new ArrayList<>();
        for (String name : targets) {
            if (differences(name, wanted.get(name), observed, false).isEmpty()) {
                candidates.add(name);
            }
        }
        return candidates;
    }

    /**
     * Plans a deploy of {@code targets} (plan order).
     *
     * @param wanted        the definitions to deploy, secrets resolved, each with its fingerprint
     * @param observed      what runs, with the health of the services {@link #needHealth} named
     * @param force         redeploy everything
     * @param removeOrphans plan orphans for removal instead of keeping them
     */
    public ChangePlan plan(List<String> targets, Map<String, Pm2App> wanted, ObservedState observed, boolean force,
                           boolean removeOrphans) {
        Map<String, ServiceChange> decided = new HashMap<>();
        List<ServiceChange> services = new ArrayList<>();
        for (String name : targets) {
            Pm2App app = wanted.get(name);
            Fingerprint fingerprint = Fingerprint.decode(app.fingerprint()).orElseThrow(() ->
                    new IllegalArgumentException(name + ": the wanted definition carries no fingerprint"));
            ServiceChange change = decide(name, app, fingerprint, observed, force, decided);
            decided.put(name, change);
            services.add(change);
        }
        return new ChangePlan(services, orphans(observed, removeOrphans));
    }

    private ServiceChange decide(String name, Pm2App app, Fingerprint fingerprint, ObservedState observed,
                                 boolean force, Map<String, ServiceChange> decided) {
        Optional<Pm2Process> process = observed.pm2().process(name);
        if (!observed.pm2().definitions().containsKey(name)) {
            return new ServiceChange(name, Action.START, List.of("not in PM2"), fingerprint);
        }
        if (process.isEmpty() || !process.get().isOnline()) {
            return new ServiceChange(name, Action.START, List.of("not running (PM2 status "
                    + process.map(p -> p.status().pm2Name()).orElse("unknown") + ")"), fingerprint);
        }
        List<String> reasons = new ArrayList<>();
        if (force) {
            reasons.add("--force");
        }
        reasons.addAll(differences(name, app, observed, true));
        for (String dependency : topology.service(name).restartWith()) {
            ServiceChange d = decided.get(dependency);
            if (d != null && d.deploys()) {
                reasons.add("dependency " + dependency + " restarts (restartWith)");
            }
        }
        return reasons.isEmpty()
                ? new ServiceChange(name, Action.UNCHANGED, List.of(), fingerprint)
                : new ServiceChange(name, Action.RESTART, reasons, fingerprint);
    }

    /**
     * Why the running {@code name} is not what {@code app} wants: its fingerprint (kept with the app
     * since it was started) differs, or it has none, or, when {@code withHealth}, it was unhealthy.
     */
    private List<String> differences(String name, Pm2App app, ObservedState observed, boolean withHealth) {
        Pm2AppDefinition running = observed.pm2().definitions().get(name);
        Optional<Pm2Process> process = observed.pm2().process(name);
        if (running == null || process.isEmpty() || !process.get().isOnline()) {
            return List.of("not running");
        }
        List<String> reasons = new ArrayList<>(changes(Fingerprint.decode(app.fingerprint()), running.app()));
        if (withHealth && reasons.isEmpty()) {
            ProbeResult health = observed.health().get(name);
            if (health != null && !health.healthy()) {
                reasons.add("unhealthy (" + health.observed() + ")");
            }
        }
        return reasons;
    }

    /**
     * What differs between the fingerprint {@code running} was started with and {@code wanted}, in
     * words; a running app without a fingerprint, or with one of a newer format, differs.
     */
    private static List<String> changes(Optional<Fingerprint> wanted, Pm2App running) {
        int format = Fingerprint.formatOf(running.fingerprint());
        if (format > Fingerprint.FORMAT_VERSION) {
            return List.of("running app's fingerprint is of format version " + format + ", newer than this "
                    + "titan-deploy's " + Fingerprint.FORMAT_VERSION + ": not compared");
        }
        Optional<Fingerprint> deployed = Fingerprint.decode(running.fingerprint());
        if (deployed.isEmpty()) {
            return List.of("running app carries no fingerprint (not started by this engine, or by an older version of it)");
        }
        return wanted.map(w -> w.changesFrom(deployed.get())).orElse(List.of());
    }

    /**
     * Plans a rollback: the release before {@code release} is the desired state, each service as
     * the release's record kept it ({@code prior}), compared with what runs by the same fingerprints
     * a deploy compares. A service that differs is put back (start, restart, or stop when it was
     * stopped before), with its causes; one the release added is removed; the rest are left alone.
     * Dependents that declared {@code restartWith} on a service put back are restarted too.
     *
     * @param release  the release undone, for the causes
     * @param services the services of its record, in plan order
     * @param prior    each one's app before the release; none for a service that did not exist then
     * @param observed what runs now (PM2 only: a rollback probes no health before it acts)
     * @param touched  services known to have been changed by the release: put back whatever PM2 shows
     */
    public ChangePlan restore(String release, List<String> services, Map<String, PriorApp> prior,
                              ObservedState observed, Set<String> touched) {
        Map<String, ServiceChange> decided = new HashMap<>();
        List<ServiceChange> changes = new ArrayList<>();
        for (String name : services) {
            ServiceChange change = restoreOne(release, name, prior.get(name), observed, touched.contains(name), decided);
            decided.put(name, change);
            changes.add(change);
        }
        return new ChangePlan(changes, List.of());
    }

    private ServiceChange restoreOne(String release, String name, PriorApp before, ObservedState observed,
                                     boolean touched, Map<String, ServiceChange> decided) {
        Pm2AppDefinition running = observed.pm2().definitions().get(name);
        if (before == null) {
            return running == null ? new ServiceChange(name, Action.UNCHANGED, List.of(), null)
                    : new ServiceChange(name, Action.REMOVE, List.of("not there before release " + release), null);
        }
        Optional<Pm2Process> process = observed.pm2().process(name);
        boolean online = running != null && process.isPresent() && process.get().isOnline();
        List<String> reasons = new ArrayList<>();
        if (running == null) {
            reasons.add("not in PM2");
        } else {
            if (before.running() && !online) {
                reasons.add("not running (PM2 status " + process.map(p -> p.status().pm2Name()).orElse("unknown") + ")");
            } else if (!before.running() && running.running()) {
                reasons.add("running (stopped before release " + release + ")");
            }
            if (before.fingerprint() != null) {
                reasons.addAll(changes(Optional.of(before.fingerprint()), running.app()));
            } else if (!before.sameDefinition().test(running.app())) {
                reasons.add("definition");
            }
        }
        if (touched) {
            reasons.add("changed by release " + release);
        }
        ServiceSpec spec = topology == null ? null : topology.services().get(name);
        for (String dependency : spec == null ? Set.<String>of() : spec.restartWith()) {
            ServiceChange d = decided.get(dependency);
            if (d != null && d.deploys()) {
                reasons.add("dependency " + dependency + " is put back (restartWith)");
            }
        }
        if (reasons.isEmpty()) {
            return new ServiceChange(name, Action.UNCHANGED, List.of(), before.fingerprint());
        }
        Action action = !before.running() ? Action.STOP : online ? Action.RESTART : Action.START;
        return new ServiceChange(name, action, reasons, before.fingerprint());
    }

    /** Apps this engine started (they carry its fingerprint) that the topology no longer names. */
    private List<ServiceChange> orphans(ObservedState observed, boolean remove) {
        List<ServiceChange> orphans = new ArrayList<>();
        observed.pm2().definitions().forEach((name, definition) -> {
            if (!topology.services().containsKey(name) && definition.app().fingerprint() != null) {
                orphans.add(new ServiceChange(name, remove ? Action.REMOVE : Action.ORPHAN,
                        List.of(remove ? "not in the topology: removed (--remove-orphans)"
                                : "not in the topology: kept (--remove-orphans removes it)"), null));
            }
        });
        return orphans;
    }
}
