package io.titan.deploy.cli;

import io.titan.deploy.config.Topology;
import io.titan.deploy.graph.DependencyWalk;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy stop}: stops and deletes the topology's apps, dependents first. A release
 * whose lease it ends ({@code --take-over}, or run out) is restored first, so that its record does
 * not stay unfinished for the next deploy to restore over a stopped host.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop and delete the topology's PM2 apps in reverse dependency order.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--kill-daemon", description = "Also stop the PM2 daemon of this target.")
    boolean killDaemon;

    @Mixin
    TakeOver takeOver;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.open(topology, spec);
        Topology t = session.topology();
        Target target = session.target();
        PrintWriter out = session.out();
        try (DeployLock lock = DeployLock.acquire(target.stateDir(), DeployLock.Claim.command("stop", takeOver.value),
                Duration.ZERO, session.clock(), out::println)) {
            if (lock.ended().isPresent()) {
                Pm2Manager pm2 = target.pm2();
                pm2.initialize();
                Recovery.restoreUnfinished(new ReleaseJournal(target.stateDir(), session.clock()), new Rollback(pm2,
                        session.events(), session.clock(), System.getenv(), t), out::println);
            }
            // Dependents first, independent services at the same time: the walk deploys and rollbacks use.
            Map<String, Boolean> removed = new ConcurrentHashMap<>();
            DependencyWalk.inReverseDependencyOrder(t.graph().plan().order(), t.graph(),
                    name -> removed.put(name, target.pm2().deleteIfPresent(name)));
            List<String> order = new ArrayList<>(t.graph().plan().order());
            Collections.reverse(order);
            for (String name : order) {
                out.println((removed.get(name) ? "stopped  " : "absent   ") + name);
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
