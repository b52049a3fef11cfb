package io.titan.deploy.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy stop}: stops and deletes the host's apps of the topology, dependents first. A
 * release whose lease it ends ({@code --take-over}, or run out) is restored first, so that its record
 * does not stay unfinished for the next deploy to restore over a stopped host.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop and delete the topology's PM2 apps of the host (--host) in reverse dependency order.")
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
        PrintWriter out = session.out();
        Map<String, Boolean> stopped = session.engine(out::println).stop(takeOver.value, killDaemon);
        stopped.forEach((name, ran) -> out.println((ran ? "stopped  " : "absent   ") + name));
        if (killDaemon) {
            out.println("pm2 daemon stopped");
        }
        out.flush();
        return 0;
    }
}
