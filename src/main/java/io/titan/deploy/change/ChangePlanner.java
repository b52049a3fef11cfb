package io.titan.deploy.change;

import io.titan.deploy.change.ServiceChange.Action;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.StoredApp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides, per service, whether a deploy starts, restarts or leaves it alone, the way docker compose
 * recreates only changed containers. A service is left alone only when PM2 runs exactly the
 * definition a recorded release deployed, the code fingerprint recorded then equals today's, it is
 * online and its health check passes. Anything less certain is a restart: a needless restart costs
 * seconds, a missed one leaves old code running.
 */
public final class ChangePlanner {

    private final Topology topology;
    private final Fingerprinter fingerprinter;
    private final Function<ServiceSpec, Optional<HealthProbe>> probes;

    /**
     * @param probes the health probe of a service, used to confirm an unchanged service is healthy
     */
    public ChangePlanner(Topology topology, Fingerprinter fingerprinter,
                         Function<ServiceSpec, Optional<HealthProbe>> probes) {
        this.topology = topology;
        this.fingerprinter = fingerprinter;
        this.probes = probes;
    }

    /**
     * Plans a deploy of {@code targets} (plan order).
     *
     * @param apps          the definitions to deploy, secrets resolved
     * @param running       PM2's current definitions by name
     * @param processes     PM2's process list
     * @param releases      the target's release records, newest first
     * @param force         redeploy everything
     * @param removeOrphans plan orphans for removal instead of keeping them
     */
    public ChangePlan plan(List<String> targets, Map<String, Pm2App> apps, Map<String, Pm2AppDefinition> running,
                           List<Pm2Process> processes, List<ReleaseRecord> releases, boolean force,
                           boolean removeOrphans) {
        Map<String, Pm2Process> byName = new HashMap<>();
        processes.forEach(p -> byName.putIfAbsent(p.name(), p));
        Map<String, ServiceChange> decided = new HashMap<>();
        List<ServiceChange> services = new ArrayList<>();
        for (String name : targets) {
            Fingerprint wanted = fingerprinter.of(apps.get(name));
            ServiceChange change = decide(name, wanted, running.get(name), byName.get(name), releases, force,
                    decided);
            decided.put(name, change);
            services.add(change);
        }
        return new ChangePlan(services, orphans(running, releases, removeOrphans));
    }

    private ServiceChange decide(String name, Fingerprint wanted, Pm2AppDefinition current, Pm2Process process,
                                 List<ReleaseRecord> releases, boolean force, Map<String, ServiceChange> decided) {
        if (current == null || process == null || !process.isOnline()) {
            return new ServiceChange(name, Action.START, List.of(current == null ? "not in PM2"
                    : "not running (PM2 status " + (process == null ? "unknown" : process.status().pm2Name()) + ")"),
                    wanted);
        }
        List<String> reasons = new ArrayList<>();
        if (force) {
            reasons.add("--force");
        }
        Optional<Fingerprint> deployed = recordedFingerprint(name, current.app(), releases);
        if (deployed.isEmpty()) {
            reasons.add("running definition not deployed by a recorded release");
        } else {
            reasons.addAll(wanted.changesFrom(deployed.get()));
        }
        ServiceSpec spec = topology.service(name);
        for (String dependency : spec.restartWith()) {
            ServiceChange d = decided.get(dependency);
            if (d != null && d.deploys()) {
                reasons.add("dependency " + dependency + " restarts (restartWith)");
            }
        }
        if (reasons.isEmpty()) {
            Optional<HealthProbe> probe = probes.apply(spec);
            if (probe.isPresent()) {
                ProbeResult health = probe.get().probe(spec.healthTimeout());
                if (!health.healthy()) {
                    reasons.add("unhealthy (" + probe.get().target() + " " + health.observed() + ")");
                }
            }
        }
        return reasons.isEmpty()
                ? new ServiceChange(name, Action.UNCHANGED, List.of(), wanted)
                : new ServiceChange(name, Action.RESTART, reasons, wanted);
    }

    /**
     * The fingerprint recorded for what PM2 runs now: the newest record whose definition of the
     * service is the running one. Which side of a record ran last depends on how it ended.
     */
    public static Optional<Fingerprint> recordedFingerprint(String name, Pm2App running, List<ReleaseRecord> releases) {
        for (ReleaseRecord record : releases) {
            StoredApp candidate = switch (record.status()) {
                case DEPLOYED, FAILED -> record.deployed().get(name);
                case ROLLED_BACK -> Optional.ofNullable(record.previous().get(name))
                        .map(ReleaseRecord.PreviousApp::app).orElse(null);
                default -> null;
            };
            if (candidate != null && candidate.sameDefinition(running)) {
                return Optional.ofNullable(candidate.fingerprint()).map(Fingerprint::new);
            }
        }
        return Optional.empty();
    }

    private List<ServiceChange> orphans(Map<String, Pm2AppDefinition> running, List<ReleaseRecord> releases,
                                        boolean remove) {
        Set<String> deployedBefore = new LinkedHashSet<>();
        releases.forEach(r -> deployedBefore.addAll(r.deployed().keySet()));
        List<ServiceChange> orphans = new ArrayList<>();
        for (String name : deployedBefore) {
            if (!topology.services().containsKey(name) && running.containsKey(name)) {
                orphans.add(new ServiceChange(name, remove ? Action.REMOVE : Action.ORPHAN,
                        List.of(remove ? "not in the topology: removed (--remove-orphans)"
                                : "not in the topology: kept (--remove-orphans removes it)"), null));
            }
        }
        return orphans;
    }
}
