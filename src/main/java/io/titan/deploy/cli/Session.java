package io.titan.deploy.cli;

import io.titan.deploy.api.TitanDeploy;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.EventBus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every command that works on a target starts with: the topology, its target, stdout, the
 * clock, and an event bus that prints progress lines.
 */
record Session(Topology topology, Target target, PrintWriter out, Clock clock, Instant started, EventBus events) {

    static Session open(TopologyOptions options, CommandSpec spec) {
        Topology topology = options.load();
        PrintWriter out = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        Instant started = clock.instant();
        return new Session(topology, Target.of(topology, options.host), out, clock, started,
                new EventBus().onAny(new ConsoleProgress(out, started)));
    }

    /** The engine for this session's host: it emits on the session's events and logs plain lines to {@code log}. */
    TitanDeploy engine(Consumer<String> log) {
        return TitanDeploy.forTopology(topology).host(target.host()).events(events).clock(clock).log(log).build();
    }
}
