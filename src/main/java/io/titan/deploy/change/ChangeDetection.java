package io.titan.deploy.change;

import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Observe, then plan: what {@code deploy} and {@code plan --diff} share. The wanted definitions get
 * their fingerprints (code hashed once per folder, services in parallel); the services that could
 * be left alone get one health check each, all at once; then the pure {@link ChangePlanner} decides.
 *
 * @param wanted   the definitions to deploy, in plan order, each carrying its fingerprint
 * @param observed what ran when the run looked
 * @param plan     what to do with each service, and why
 */
public record ChangeDetection(Map<String, Pm2App> wanted, ObservedState observed, ChangePlan plan) {

    /**
     * Detects what a deploy of {@code targets} changes.
     *
     * @param apps     the definitions of {@code targets} (plan order), secrets resolved
     * @param snapshot PM2 as it is now, from one look
     */
    public static ChangeDetection of(Topology topology, List<String> targets, Map<String, Pm2App> apps,
                                     Pm2Snapshot snapshot, Fingerprinter fingerprinter, boolean force,
                                     boolean removeOrphans) {
        Map<String, Pm2App> wanted = fingerprinted(topology, targets, apps, fingerprinter);
        ChangePlanner planner = new ChangePlanner(topology);
        Map<String, HealthProbe> probes = new TreeMap<>();
        for (String name : planner.needHealth(targets, wanted, new ObservedState(snapshot, Map.of()))) {
            ServiceHealth.probe(topology.service(name)).ifPresent(probe -> probes.put(name, probe));
        }
        ObservedState observed = ObservedState.observe(snapshot, probes, name -> topology.service(name).healthTimeout());
        return new ChangeDetection(wanted, observed, planner.plan(targets, wanted, observed, force, removeOrphans));
    }

    /**
     * The definitions of {@code targets} (plan order) as a deploy starts them: each carrying its
     * fingerprint, code hashed once per folder, services in parallel.
     *
     * @param apps the definitions of {@code targets}, secrets resolved
     */
    public static Map<String, Pm2App> fingerprinted(Topology topology, List<String> targets, Map<String, Pm2App> apps,
                                                    Fingerprinter fingerprinter) {
        Map<String, Pm2App> fingerprinted = new ConcurrentHashMap<>();
        targets.parallelStream().forEach(name -> {
            ServiceSpec spec = topology.service(name);
            Pm2App app = apps.get(name);
            Fingerprint fingerprint = fingerprinter.of(app, spec.code(), spec.ignore());
            fingerprinted.put(name, app.toBuilder().fingerprint(fingerprint.encode()).build());
        });
        Map<String, Pm2App> wanted = new LinkedHashMap<>();
        targets.forEach(name -> wanted.put(name, fingerprinted.get(name)));
        return wanted;
    }
}
