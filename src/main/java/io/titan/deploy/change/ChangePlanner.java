package io.titan.deploy.change;

import io.titan.deploy.change.ServiceChange.Action;
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
        Optional<Fingerprint> deployed = Fingerprint.decode(running.app().fingerprint());
        Optional<Fingerprint> wanted = Fingerprint.decode(app.fingerprint());
        List<String> reasons = new ArrayList<>();
        int format = Fingerprint.formatOf(running.app().fingerprint());
        if (format > Fingerprint.FORMAT_VERSION) {
            reasons.add("running app's fingerprint is of format version " + format + ", newer than this titan-deploy's "
                    + Fingerprint.FORMAT_VERSION + ": not compared");
        } else if (deployed.isEmpty()) {
            reasons.add("running app carries no fingerprint (not started by this engine, or by an older version of it)");
        } else if (wanted.isPresent()) {
            reasons.addAll(wanted.get().changesFrom(deployed.get()));
        }
        if (withHealth && reasons.isEmpty()) {
            ProbeResult health = observed.health().get(name);
            if (health != null && !health.healthy()) {
                reasons.add("unhealthy (" + health.observed() + ")");
            }
        }
        return reasons;
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
