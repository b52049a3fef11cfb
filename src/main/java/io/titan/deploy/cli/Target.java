package io.titan.deploy.cli;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.pm2.Pm2Manager;
import java.nio.file.Path;

/**
 * The deployment target a topology names: its PM2 (binary, PM2_HOME, log rotation) and its state
 * dir ({@code titan/} under PM2_HOME unless the topology says otherwise).
 */
record Target(Pm2Manager pm2, Path pm2Home, Path stateDir) {

    /**
     * A pm2 start, stop or delete returns in about a second; one that hangs has lost its daemon, and
     * a deployment (with its rollback) should not wait a minute to find out.
     */
    private static final java.time.Duration PM2_CALL_TIMEOUT = java.time.Duration.ofSeconds(30);

    static Target of(Topology topology) {
        Path bin = Pm2Binary.resolve(topology.pm2().bin() == null ? null : topology.pm2().bin().toString());
        Path home = Pm2Manager.resolvePm2Home(topology.pm2().home() == null ? null : topology.pm2().home().toString());
        LogRotation lr = topology.pm2().logRotation();
        // pm2-logrotate's retain counts files; rotating daily makes that count the days kept.
        io.titan.deploy.pm2.LogRotation rotation = new io.titan.deploy.pm2.LogRotation(
                lr.enabled(), lr.maxSize().toPm2(), lr.retainDays(), lr.compress(), "0 0 * * *");
        Path state = topology.stateDir() != null ? topology.stateDir() : home.resolve("titan");
        return new Target(new Pm2Manager(bin, home, rotation, PM2_CALL_TIMEOUT), home, state);
    }
}
