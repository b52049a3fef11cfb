package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.config.Topology;
import io.titan.deploy.validate.Pm2StatusAdapter;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.validate.CheckResult;
import io.titan.deploy.validate.DeploymentValidator;
import io.titan.deploy.validate.ValidationEvents;
import io.titan.deploy.validate.ValidationResult;
import io.titan.deploy.validate.ValidationSpecs;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy validate}: is this deployment working right now? Bounded in time. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check every service, Redis (PING and pub/sub) and the exchange WebSockets, all concurrently "
                + "and inside the overall bound (30 s). Exit 0 when every required check passed, 1 otherwise.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Mixin
    OutputOptions output;

    @Option(names = "--quick", description = "Only service checks and a Redis PING, bounded at 5 s.")
    boolean quick;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.open(topology, spec);
        Topology t = session.topology();
        PrintWriter out = session.out();
        Clock clock = session.clock();
        Instant started = session.started();
        EventBus events = session.events();
        try (OutputOptions.Sinks sinks = output.open(events, t);
             DeploymentValidator validator = new DeploymentValidator(ValidationSpecs.of(t, session.target().host()),
                     new Pm2StatusAdapter(session.target().pm2()), new ValidationEvents(events, clock), System.getenv())) {
            ValidationResult result = quick ? validator.quickHealthCheck() : validator.validateDeployment();
            printTable(out, result);
            sinks.writeValidate(OutputOptions.toReport(result, started), out);
            return result.success() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    static void printTable(PrintWriter out, ValidationResult result) {
        out.println();
        out.printf("%-24s %-9s %-8s %8s  %s%n", "CHECK", "KIND", "RESULT", "TIME", "MESSAGE");
        for (CheckResult c : result.checks()) {
            String verdict = c.success() ? "ok" : c.required() ? "FAILED" : "warning";
            out.printf("%-24s %-9s %-8s %6dms  %s%n", c.name(), c.kind().jsonName(), verdict, c.durationMs(),
                    c.message() == null ? "" : c.message());
        }
        out.println();
        out.println("validation " + (result.success() ? "PASSED" : "FAILED") + " in " + result.durationMs() + " ms");
        out.flush();
    }
}
