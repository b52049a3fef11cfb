package io.titan.deploy.deploy;

import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The services a deploy is about: all of them, or the {@code --only} ones with their dependencies up. */
final class Targets {

    private Targets() {
    }

    /**
     * The services to deploy, in plan order.
     *
     * @throws ConfigException exit 2 naming an {@code --only} name the topology does not have
     */
    static List<String> of(Topology topology, Set<String> only) {
        for (String name : only) {
            if (!topology.services().containsKey(name)) {
                throw new ConfigException("--only: " + name + " is not a service of " + topology.source()
                        + " (services: " + String.join(", ", topology.services().keySet()) + ")");
            }
        }
        return topology.graph().plan().order().stream().filter(s -> only.isEmpty() || only.contains(s)).toList();
    }

    /**
     * A deploy of some services only stands on dependencies it does not deploy: each must be online
     * and answer its health check now, or nothing is changed.
     *
     * @throws ConfigException exit 2 naming the service, the dependency and what was seen
     */
    static void requireHealthyDependencies(Topology topology, List<String> targets, Pm2Snapshot pm2) {
        for (String name : targets) {
            for (String dependency : topology.service(name).dependsOn()) {
                if (targets.contains(dependency)) {
                    continue;
                }
                Optional<Pm2Process> process = pm2.process(dependency);
                if (process.isEmpty() || !process.get().isOnline()) {
                    throw new ConfigException("--only: " + name + " depends on " + dependency + ", which is not online ("
                            + process.map(p -> "PM2 status " + p.status().pm2Name()).orElse("not in PM2")
                            + "); deploy it too or start it first. Nothing was changed.");
                }
                ServiceSpec spec = topology.service(dependency);
                Optional<HealthProbe> probe = ServiceHealth.probe(spec);
                if (probe.isPresent()) {
                    ProbeResult result = probe.get().probe(spec.healthTimeout());
                    if (!result.healthy()) {
                        throw new ConfigException("--only: " + name + " depends on " + dependency + ", which is not healthy ("
                                + probe.get().target() + " " + result.observed() + "). Nothing was changed.");
                    }
                }
            }
        }
    }
}
