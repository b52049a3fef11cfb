package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.deploy.HostRelease;
import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.release.ReleaseLease;
import io.titan.deploy.validate.Pm2StatusAdapter;
import io.titan.deploy.validate.DeploymentValidator;
import io.titan.deploy.validate.ValidationEvents;
import io.titan.deploy.validate.ValidationResult;
import io.titan.deploy.validate.ValidationSpecs;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy release begin|service|finish|abort}: one release carried out by several CLI
 * calls, host by host and service by service, so that Jenkins can run each service as a stage of
 * its own on its host's agent. Each call acts on one host ({@code --host}) and renews its lease.
 */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Carry one release out in steps, as Jenkins schedules it: begin, then service per service, "
                + "then finish (or abort), on each host.",
        subcommands = {ReleaseCommand.Begin.class, ReleaseCommand.Service.class, ReleaseCommand.Soak.class,
            ReleaseCommand.Finish.class, ReleaseCommand.Abort.class})
final class ReleaseCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a step is required: begin, service, soak, finish or abort");
    }

    /** What every step takes: the topology, its host, the release's name and the lease. */
    static final class Step {
        @Mixin
        TopologyOptions topology;

        @Option(names = "--release", paramLabel = "ID", required = true,
                description = "The release's id, the same on every host and step (e.g. the job and build number): "
                        + HostRelease.RELEASE_ID_RULE + ". History, reports and events name the release by it.")
        String release;

        @Option(names = "--lease", paramLabel = "DURATION", converter = DeployCommand.DurationConverter.class,
                description = "How long the host stays the release's without another step: given to begin (default "
                        + "30m), it is the release's, and every later step renews it for as long unless it gives "
                        + "another. A pipeline that died loses the host when it runs out.")
        Duration lease;

        HostRelease open(Session session, java.nio.file.Path events) {
            if (events != null) {
                // Flushed per event: a step killed half way leaves what it did.
                session.events().onAny(OutputOptions.eventWriter(events, session.topology()));
            }
            Target target = session.target();
            return new HostRelease(session.topology(), target.host(), target.pm2(), target.stateDir(),
                    session.events(), System.getenv(), session.clock(),
                    line -> session.out().println("titan-deploy: " + line));
        }
    }

    @Command(name = "begin", mixinStandardHelpOptions = true,
            description = "Take the host for the release (exit 4 if another holds it), record what runs, plan.")
    static final class Begin implements Callable<Integer> {
        @Mixin
        Step step;

        @Option(names = "--force", description = "Redeploy every service, changed or not.")
        boolean force;

        @Option(names = "--only", split = ",", paramLabel = "SERVICE",
                description = "Only these services of the host; dependencies the release does not deploy must be "
                        + "healthy now.")
        List<String> only = List.of();

        @Option(names = "--remove-orphans", description = "Remove this host's services of earlier releases that are no "
                + "longer in the topology, when the release finishes here.")
        boolean removeOrphans;

        @Option(names = "--wait-lock", paramLabel = "DURATION", converter = DeployCommand.DurationConverter.class,
                description = "Wait this long for a deployment of this host under way instead of exiting 4.")
        Duration waitLock = Duration.ZERO;

        @Mixin
        TakeOver takeOver;

        @Option(names = "--json", description = "Print the plan as JSON: {release, host, services[], orphans[]}.")
        boolean json;

        @Option(names = "--runner", paramLabel = "FILE", description = "Start the release's runner on this host, a "
                + "warm titan-deploy that runs its later steps (service, soak, finish, abort, validate) for "
                + "bin/titan-deploy-step in this folder and environment, so that no step pays a JVM start; write "
                + "{socket, client, node} to FILE (no file: no runner could start). It ends with the release here.")
        java.nio.file.Path runner;

        @Option(names = "--events", paramLabel = "FILE", description = "Write the step's events as NDJSON while they happen.")
        java.nio.file.Path events;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Session session = Session.open(step.topology, spec);
            PrintWriter out = session.out();
            // The runner comes up while the release begins; it outlives the lease it was given by a little: a
            // pipeline that died leaves it nothing to do.
            Optional<RunnerLauncher.Starting> starting = Optional.empty();
            if (runner != null) {
                java.nio.file.Files.deleteIfExists(runner);
                starting = RunnerLauncher.start(session.target().stateDir(), session.target().host(), step.release,
                        (step.lease == null ? ReleaseLease.DEFAULT_DURATION : step.lease).plusMinutes(1),
                        System.getenv(), line -> out.println("titan-deploy: " + line));
            }
            ChangePlan plan;
            try {
                plan = step.open(session, events).begin(step.release, step.lease,
                        DeployOptions.defaults().withForce(force).withWaitLock(waitLock).withTakeOver(takeOver.value)
                                .withOnly(new java.util.LinkedHashSet<>(only)).withRemoveOrphans(removeOrphans));
            } catch (Exception | Error notBegun) {
                starting.ifPresent(RunnerLauncher.Starting::cancel);
                throw notBegun;
            }
            starting.flatMap(s -> s.await(line -> out.println("titan-deploy: " + line)))
                    .ifPresent(r -> RunnerLauncher.write(runner, r));
            if (json) {
                ObjectNode node = new ObjectMapper().createObjectNode();
                node.put("release", step.release);
                node.put("host", session.target().host());
                node.setAll(plan.json());
                out.println(new ObjectMapper().writeValueAsString(node));
            } else {
                out.println("release " + step.release + " on host " + session.target().host() + ":");
                out.print(plan.text());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "service", mixinStandardHelpOptions = true,
            description = "Deploy one service of the open release on its host (no --host needed), as planned; exit 1 "
                    + "when it failed, the service left running as it failed until `release abort`.")
    static final class Service implements Callable<Integer> {
        @Mixin
        Step step;

        @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
        String name;

        @Option(names = "--until", paramLabel = "healthy", description = "healthy: return as soon as the service "
                + "passed its health gate (status healthy), so that its dependents can start; `release soak NAME` "
                + "then watches it for the rest of its soak.")
        String until;

        @Option(names = "--json", description = ServiceAnswer.JSON)
        boolean json;

        @Option(names = "--events", paramLabel = "FILE", description = "Write the step's events as NDJSON while they happen.")
        java.nio.file.Path events;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (until != null && !until.equals("healthy")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--until: expected 'healthy', got '" + until + "'");
            }
            step.topology.hostOf(name);
            Session session = Session.open(step.topology, spec);
            ServiceOutcome outcome = step.open(session, events).service(step.release, name, step.lease, until != null);
            return ServiceAnswer.print(session, step.release, outcome, json);
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "The rest of the soak of a service that `release service NAME --until healthy` left healthy: "
                    + "no exit or restart until its soak time after it became healthy; exit 1 if it failed; no --host needed.")
    static final class Soak implements Callable<Integer> {
        @Mixin
        Step step;

        @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
        String name;

        @Option(names = "--json", description = ServiceAnswer.JSON)
        boolean json;

        @Option(names = "--events", paramLabel = "FILE", description = "Write the step's events as NDJSON while they happen.")
        java.nio.file.Path events;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            step.topology.hostOf(name);
            Session session = Session.open(step.topology, spec);
            return ServiceAnswer.print(session, step.release, step.open(session, events).soak(step.release, name, step.lease),
                    json);
        }
    }

    /**
     * How a step that ends the host's part leaves it for {@code history}: its report kept beside the
     * release records (as {@code deploy} keeps its own), and with {@code --history-html} the page of the
     * host's last releases, so that no {@code history} call of its own is needed.
     */
    static final class HistoryPage {
        @Option(names = "--history-html", paramLabel = "FILE", description = "Also write the host's release "
                + "history page (services x releases, with titan-report.css beside it).")
        java.nio.file.Path html;

        /** Keeps {@code report} for the host's history (a failure only warns) and writes {@code html} (null: none). */
        static void keep(Session session, io.titan.deploy.report.DeployReport report, java.nio.file.Path html) {
            io.titan.deploy.api.TitanDeploy engine = session.engine(line -> { });
            engine.keepForHistory(report).ifPresent(why -> session.out().println("titan-deploy: warning: " + why));
            if (html != null) {
                io.titan.deploy.report.HtmlReport.write(html, engine.history(), io.titan.deploy.report.PageStyle.LINKED);
                session.out().println("history page: " + html.toAbsolutePath() + " (with "
                        + io.titan.deploy.report.HtmlReport.STYLESHEET + ")");
            }
            session.out().flush();
        }
    }

    @Command(name = "finish", mixinStandardHelpOptions = true,
            description = "Validate this host's part (when the topology has a validation section), accept the "
                    + "release here and free the host; exit 1 leaves it open.")
    static final class Finish implements Callable<Integer> {
        @Mixin
        Step step;

        @Option(names = "--no-validate", description = "Accept without validating.")
        boolean noValidate;

        @Mixin
        OutputOptions output;

        @Mixin
        HistoryPage history;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Session session = Session.open(step.topology, spec);
            Topology t = session.topology();
            Target target = session.target();
            DeploymentResult result;
            try (OutputOptions.Sinks sinks = output.open(session.events(), t)) {
                result = step.open(session, null).finish(step.release, step.lease, deployed -> {
                    if (noValidate || t.validation() == null) {
                        return Optional.empty();
                    }
                    try (DeploymentValidator validator = new DeploymentValidator(ValidationSpecs.of(t, target.host()),
                            new Pm2StatusAdapter(target.pm2()), new ValidationEvents(session.events(), session.clock()),
                            System.getenv())) {
                        ValidationResult v = validator.validateDeployment();
                        ValidateCommand.printTable(session.out(), v);
                        return v.success() ? Optional.empty() : Optional.of("validation failed: " + v.failures().stream()
                                .map(c -> c.name() + " (" + c.message() + ")").collect(Collectors.joining("; ")));
                    }
                });
                HistoryPage.keep(session, sinks.writeDeploy(result, session.out()), history.html);
            }
            PrintWriter out = session.out();
            out.println(result.success() ? "release " + step.release + " finished on host " + target.host()
                    : "release " + step.release + " stays open on host " + target.host() + ": " + result.error());
            out.flush();
            return result.exitCode();
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Restore the release before this one on this host (only what differs from it) and free "
                    + "the host; exit 3 when the restore fails; --dry-run prints what it would restore.")
    static final class Abort implements Callable<Integer> {
        @Mixin
        Step step;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record (default: aborted).")
        String reason = "aborted";

        @Option(names = "--keep", description = "Restore nothing: end the release here as failed and leave what runs "
                + "as it is, for debugging.")
        boolean keep;

        @Mixin
        DryRun dryRun;

        @Mixin
        OutputOptions output;

        @Mixin
        HistoryPage history;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Session session = Session.open(step.topology, spec);
            if (dryRun.asked(spec)) {
                return dryRun.abort(session, step.release, keep);
            }
            DeploymentResult result;
            try (OutputOptions.Sinks sinks = output.open(session.events(), session.topology())) {
                HostRelease release = step.open(session, null);
                result = keep ? release.keep(step.release, reason) : release.abort(step.release, reason);
                HistoryPage.keep(session, sinks.writeDeploy(result, session.out()), history.html);
            }
            PrintWriter out = session.out();
            result.services().forEach(s -> out.printf("%-24s %s%n", s.name(), s.status().value()
                    + (s.message() == null ? "" : ": " + s.message())));
            String host = session.target().host();
            if (keep) {
                out.println("release " + step.release + " on host " + host + ": failed, left as it is (--keep)");
                out.flush();
                return ExitCodes.OK;
            }
            out.println("release " + step.release + " on host " + host + ": "
                    + (result.rolledBack() ? "rolled back" : "ROLLBACK FAILED: " + result.error()));
            out.flush();
            return result.rolledBack() ? ExitCodes.OK : ExitCodes.ROLLBACK_FAILED;
        }
    }
}
