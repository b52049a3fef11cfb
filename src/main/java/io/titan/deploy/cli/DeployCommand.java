package io.titan.deploy.cli;

import io.titan.deploy.api.TitanDeploy;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeploymentOrchestrator;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.deploy.TitanDeploymentPipeline;
import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.health.Durations;
import io.titan.deploy.report.DeployReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy deploy}: dependency-ordered, health-gated, rolled back on failure. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy the topology's services under PM2 in dependency order, validate (when the topology "
                + "has a validation section) and roll back on any failure.")
final class DeployCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Mixin
    OutputOptions output;

    @Option(names = "--only", split = ",", paramLabel = "SERVICE",
            description = "Deploy only these services; their dependencies must already be online and healthy.")
    List<String> only = List.of();

    @Option(names = "--strategy", paramLabel = "parallel|sequential", defaultValue = "parallel",
            converter = StrategyConverter.class,
            description = "parallel: start each service once its dependencies are healthy (default); "
                    + "sequential: one at a time in plan order.")
    DeployOptions.Strategy strategy;

    @Option(names = "--no-rollback", description = "Leave a failed release as it is, for debugging.")
    boolean noRollback;

    @Option(names = "--force", description = "Redeploy every service, changed or not.")
    boolean force;

    @Option(names = "--remove-orphans",
            description = "Remove services an earlier release deployed that are no longer in the topology.")
    boolean removeOrphans;

    @Option(names = "--no-validate", description = "Skip the validation that follows a successful deploy.")
    boolean noValidate;

    @Option(names = "--wait-lock", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait this long (e.g. 5m) for another deployment of this target to finish instead of exiting 4.")
    Duration waitLock = Duration.ZERO;

    @Mixin
    TakeOver takeOver;

    @Option(names = "--history-html", paramLabel = "FILE",
            description = "After the deployment, write the target's release history page (as history --html does) "
                    + "to FILE, with its stylesheet beside it.")
    Path historyHtml;

    @Option(names = "--wait-dependencies", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --host: wait this long (default 5m) for dependencies on other hosts to answer.")
    Duration waitDependencies = DeployOptions.DEFAULT_WAIT_DEPENDENCIES;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.open(topology, spec);
        Topology t = session.topology();
        Target target = session.target();
        PrintWriter out = session.out();
        EventBus events = session.events();
        DeployOptions options = new DeployOptions(new LinkedHashSet<>(only), strategy, !noRollback, waitLock, force,
                removeOrphans, output.files(historyHtml), waitDependencies, takeOver.value);
        TitanDeploy engine = session.engine(line -> out.println("titan-deploy: " + line));
        DeploymentOrchestrator orchestrator = engine.orchestrator();
        try (OutputOptions.Sinks sinks = output.open(events, t);
             Signals.Registration signal = Signals.onTermination(reason -> {
                 orchestrator.abort(reason);
                 handOff(target, t, orchestrator, out);
             })) {
            TitanDeploymentPipeline.Outcome outcome = engine.pipeline().deployToProduction(options, !noValidate);
            DeploymentResult result = outcome.deployment();
            if (outcome.validation() != null) {
                ValidateCommand.printTable(out, outcome.validation());
            }
            printTable(out, result);
            DeployReport report = sinks.writeDeploy(result, out);
            ReleaseCommand.HistoryPage.keep(session, report, historyHtml);
            return result.exitCode();
        }
    }

    /**
     * After SIGTERM, SIGKILL may follow within seconds (Jenkins waits 5 s): the restore goes to a
     * process outside this one. If it cannot be started, this process restores by itself.
     */
    private void handOff(Target target, Topology t, DeploymentOrchestrator orchestrator, PrintWriter out) {
        try {
            Restorer.launch(target, topology, t, System.getenv());
            orchestrator.restoreElsewhere();
            out.println("titan-deploy: terminated; the previous release is restored by PM2 app " + Restorer.APP
                    + " (`titan-deploy recover " + String.join(" ", topology.absolute().asArgumentList())
                    + " --wait-lock 5m` waits for it)");
        } catch (RuntimeException e) {
            out.println("titan-deploy: terminated; could not start the restorer (" + e.getMessage()
                    + "), restoring in this process");
        }
        out.flush();
    }

    static void printTable(PrintWriter out, DeploymentResult result) {
        out.println();
        out.printf("%-24s %-12s %9s  %s%n", "SERVICE", "STATUS", "TIME", "MESSAGE");
        for (ServiceOutcome s : result.services()) {
            out.printf("%-24s %-12s %9s  %s%n", s.name(), s.status(),
                    s.startedAt() == null ? "-" : Durations.format(s.duration()),
                    s.message() == null ? "" : s.message());
        }
        out.println();
        String verdict = result.success() ? "DEPLOYED"
                : result.rolledBack() ? "FAILED, rolled back to the previous release"
                : result.rollbackFailed() ? "FAILED, ROLLBACK FAILED: manual action needed"
                : "FAILED (left as it is: --no-rollback)";
        out.println("release " + result.releaseId() + ": " + verdict + " in " + Durations.format(result.duration()));
        if (result.error() != null) {
            out.println("cause: " + result.error());
        }
        out.flush();
    }

    /** Parses a duration written as in topology files. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.titan.deploy.config.DurationText.parse(value);
        }
    }

    /** {@code parallel} or {@code sequential}. */
    static final class StrategyConverter implements picocli.CommandLine.ITypeConverter<DeployOptions.Strategy> {
        @Override
        public DeployOptions.Strategy convert(String value) {
            return switch (value) {
                case "parallel" -> DeployOptions.Strategy.PARALLEL;
                case "sequential" -> DeployOptions.Strategy.SEQUENTIAL;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a strategy (expected parallel or sequential)");
            };
        }
    }
}
