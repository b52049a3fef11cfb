package io.titan.deploy.cli;

import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.ChangeDetection;
import io.titan.deploy.change.Fingerprinter;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.Apps;
import io.titan.deploy.pm2.Pm2App;
import java.util.List;
import java.util.Map;

/**
 * {@code plan --diff}: the same change plan a deploy computes, from the same inputs, without a
 * lock and without starting a PM2 daemon (with none running, every service is a start).
 */
final class DeployPreview {

    private DeployPreview() {
    }

    static ChangePlan of(Topology topology, String host, Map<String, String> environment, boolean force,
                         boolean removeOrphans) {
        Target target = Target.of(topology, host);
        List<String> order = topology.servicesOn(target.host());
        Map<String, Pm2App> apps = Apps.toPm2Apps(topology, order, environment);
        Fingerprinter fingerprinter = Fingerprinter.forRun(topology, target.stateDir(), target.pm2Home(), List.of());
        return ChangeDetection.of(topology, order, apps, target.pm2().snapshot(), fingerprinter, force, removeOrphans)
                .plan();
    }
}
