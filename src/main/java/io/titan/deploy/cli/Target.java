package io.titan.deploy.cli;

import io.titan.deploy.api.TitanDeploy;
import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2Manager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployment target a topology names: its PM2 (binary, PM2_HOME, log rotation) and its state
 * dir ({@code titan/} under PM2_HOME unless the topology says otherwise), as {@link TitanDeploy}
 * resolves them for Java callers too.
 */
record Target(String host, Pm2Manager pm2, Path pm2Home, Path stateDir) {

    /**
     * What a read-only command shows: the host named, or without one every host of the topology, in
     * its order.
     */
    static List<Target> scope(Topology topology, String host) {
        if (host != null || topology.hosts().size() == 1) {
            return List.of(of(topology, host));
        }
        return topology.hosts().keySet().stream().map(name -> of(topology, name)).toList();
    }

    /**
     * As {@link #scope}, for a command that reads each host's PM2. Hosts that name the same PM2_HOME
     * are different machines with the same layout: this machine's PM2 is at most one of them, and
     * which one cannot be told from here.
     *
     * @throws ConfigException exit 2 asking for {@code --host} then
     */
    static List<Target> scopeOwnPm2(Topology topology, String host, String command) {
        List<Target> targets = scope(topology, host);
        Map<Path, List<String>> byHome = new LinkedHashMap<>();
        targets.forEach(target -> byHome.computeIfAbsent(target.pm2Home().toAbsolutePath().normalize(),
                home -> new ArrayList<>()).add(target.host()));
        byHome.forEach((home, hosts) -> {
            if (hosts.size() > 1) {
                throw new ConfigException("--host: hosts " + String.join(" and ", hosts) + " of " + topology.source()
                        + " both use PM2_HOME " + home + ", so they are different machines and this one is at most "
                        + "one of them; name it (" + command + " --host " + hosts.get(0) + ")");
            }
        });
        return targets;
    }

    /** The target of {@code host}, or of the topology's only host when {@code host} is null. */
    static Target of(Topology topology, String host) {
        TitanDeploy engine = TitanDeploy.forTopology(topology).host(host).build();
        return new Target(engine.host().name(), engine.pm2Manager(), engine.pm2Manager().pm2Home(), engine.stateDir());
    }
}
