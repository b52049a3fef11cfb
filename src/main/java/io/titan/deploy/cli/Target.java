package io.titan.deploy.cli;

import io.titan.deploy.api.TitanDeploy;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2Manager;
import java.nio.file.Path;

/**
 * The deployment target a topology names: its PM2 (binary, PM2_HOME, log rotation) and its state
 * dir ({@code titan/} under PM2_HOME unless the topology says otherwise), as {@link TitanDeploy}
 * resolves them for Java callers too.
 */
record Target(String host, Pm2Manager pm2, Path pm2Home, Path stateDir) {

    /** The target of {@code host}, or of the topology's only host when {@code host} is null. */
    static Target of(Topology topology, String host) {
        TitanDeploy engine = TitanDeploy.forTopology(topology).host(host).build();
        return new Target(engine.host().name(), engine.pm2Manager(), engine.pm2Manager().pm2Home(), engine.stateDir());
    }
}
