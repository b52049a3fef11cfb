package io.titan.deploy.cli;

import io.titan.deploy.config.Topology;
import io.titan.deploy.release.DeployLock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy stop}: stops and deletes the topology's apps, dependents first. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop and delete the topology's PM2 apps in reverse dependency order.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--kill-daemon", description = "Also stop the PM2 daemon of this target.")
    boolean killDaemon;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.open(topology, spec);
        Topology t = session.topology();
        Target target = session.target();
        PrintWriter out = session.out();
        try (DeployLock lock = DeployLock.acquire(target.stateDir(), "stop", Duration.ZERO, out::println)) {
            List<String> order = new ArrayList<>(t.graph().plan().order());
            Collections.reverse(order);
            for (String name : order) {
                boolean removed = target.pm2().deleteIfPresent(name);
                out.println((removed ? "stopped  " : "absent   ") + name);
                out.flush();
            }
            if (killDaemon) {
                target.pm2().kill();
                out.println("pm2 daemon stopped");
            }
        }
        out.flush();
        return 0;
    }
}
