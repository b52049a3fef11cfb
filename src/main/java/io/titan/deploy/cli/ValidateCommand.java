package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.config.Topology;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.validate.Pm2StatusAdapter;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.validate.CheckResult;
import io.titan.deploy.validate.DeploymentValidator;
import io.titan.deploy.validate.Pm2StatusSource;
import io.titan.deploy.validate.ValidationEvents;
import io.titan.deploy.validate.ValidationResult;
import io.titan.deploy.validate.ValidationSpec;
import io.titan.deploy.validate.ValidationSpecs;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy validate}: is this deployment working right now? Bounded in time. With
 * {@code --host}, that host's services (and the validation section's checks); without, every host's.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check every service (with --host, that host's), Redis (PING and pub/sub) and the exchange "
                + "WebSockets, all concurrently and inside the overall bound (30 s). Exit 0 when every required check "
                + "passed, 1 otherwise.")
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
        Topology t = topology.load();
        // Without --host on several hosts: every service, each checked where it runs (its health check at
        // its host's address; without one, its host's PM2, which must then be told apart from here).
        boolean pm2Checks = t.services().values().stream().anyMatch(spec -> ServiceHealth.probe(spec).isEmpty());
        List<Target> targets = pm2Checks ? Target.scopeOwnPm2(t, topology.host, "validate")
                : Target.scope(t, topology.host);
        PrintWriter out = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        Instant started = clock.instant();
        EventBus events = new EventBus().onAny(new ConsoleProgress(out, started));
        ValidationSpec checks = targets.size() == 1 ? ValidationSpecs.of(t, targets.get(0).host()) : ValidationSpecs.of(t);
        try (OutputOptions.Sinks sinks = output.open(events, t);
             DeploymentValidator validator = new DeploymentValidator(checks, pm2(t, targets),
                     new ValidationEvents(events, clock), System.getenv())) {
            ValidationResult result = quick ? validator.quickHealthCheck() : validator.validateDeployment();
            printTable(out, result, targets.size() > 1 ? t : null);
            sinks.writeValidate(OutputOptions.toReport(result, started), out);
            return result.success() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** Each service's PM2 is its host's: one host's directly, several hosts' by the service's host. */
    private static Pm2StatusSource pm2(Topology t, List<Target> targets) {
        if (targets.size() == 1) {
            return new Pm2StatusAdapter(targets.get(0).pm2());
        }
        Map<String, Pm2StatusSource> byHost = new LinkedHashMap<>();
        targets.forEach(target -> byHost.put(target.host(), new Pm2StatusAdapter(target.pm2())));
        return new Pm2StatusSource() {
            @Override
            public Optional<Pm2Process> status(String name) {
                return byHost.get(t.service(name).host()).status(name);
            }

            @Override
            public boolean reachable() {
                return byHost.values().stream().allMatch(Pm2StatusSource::reachable);
            }
        };
    }

    static void printTable(PrintWriter out, ValidationResult result) {
        printTable(out, result, null);
    }

    /**
     * The checks as a table; with {@code hosts} (a topology of several hosts), a column says where each
     * service runs, its checks grouped by host in the topology's order, the other checks after them.
     */
    static void printTable(PrintWriter out, ValidationResult result, Topology hosts) {
        List<CheckResult> checks = result.checks();
        if (hosts != null) {
            List<String> order = new ArrayList<>(hosts.hosts().keySet());
            checks = checks.stream().sorted(Comparator.comparingInt(c -> hostOf(hosts, c)
                    .map(order::indexOf).orElse(order.size()))).toList();
        }
        out.println();
        String format = "%-24s " + (hosts == null ? "%s" : "%-16s ") + "%-9s %-8s %6dms  %s%n";
        out.printf(format.replace("%6dms", "%8s"), "CHECK", hosts == null ? "" : "HOST", "KIND", "RESULT", "TIME",
                "MESSAGE");
        for (CheckResult c : checks) {
            String verdict = c.success() ? "ok" : c.required() ? "FAILED" : "warning";
            out.printf(format, c.name(), hosts == null ? "" : hostOf(hosts, c).orElse("-"), c.kind().jsonName(), verdict,
                    c.durationMs(), c.message() == null ? "" : c.message());
        }
        out.println();
        out.println("validation " + (result.success() ? "PASSED" : "FAILED") + " in " + result.durationMs() + " ms");
        out.flush();
    }

    /** The host of a service's check; empty for Redis and the exchanges, which run on no host of ours. */
    private static Optional<String> hostOf(Topology t, CheckResult check) {
        boolean service = check.kind() == CheckResult.Kind.HTTP || check.kind() == CheckResult.Kind.TCP
                || check.kind() == CheckResult.Kind.PM2;
        return service && t.services().containsKey(check.name()) ? Optional.of(t.service(check.name()).host())
                : Optional.empty();
    }
}
