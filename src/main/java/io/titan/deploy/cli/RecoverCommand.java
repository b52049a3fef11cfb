package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy recover}: restores the release before an unfinished one and does nothing
 * when the newest release finished, so it is safe to run after any interruption, any number of
 * times. With {@code --wait-lock} it waits for a deployment or a restore that is under way.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = "After an interrupted or killed deployment: restore the release before it (waiting for a "
                + "restore already under way); do nothing when the newest release finished.")
final class RecoverCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--wait-lock", paramLabel = "DURATION", converter = DeployCommand.DurationConverter.class,
            description = "Wait this long for a deployment or restore of this target instead of exiting 4.")
    Duration waitLock = Duration.ZERO;

    @Mixin
    TakeOver takeOver;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @Option(names = "--restorer", hidden = true,
            description = "Run as the PM2 app a terminated deployment starts: delete that app when done.")
    boolean restorer;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(topology, spec);
        Topology t = session.topology();
        Target target = session.target();
        PrintWriter out = session.out();
        ReleaseJournal journal = new ReleaseJournal(target.stateDir(), session.clock());
        ObjectNode outcome = new ObjectMapper().createObjectNode();
        int exit = ExitCodes.OK;
        // A release a live pipeline carries out here is the pipeline's to finish or abort: acquiring
        // the host exits 4 unless --take-over.
        try (DeployLock lock = DeployLock.acquire(target.stateDir(), DeployLock.Claim.command(
                restorer ? "recover (restorer)" : "recover", takeOver.value), waitLock, session.clock(),
                json ? line -> { } : out::println)) {
            Optional<ReleaseRecord> unfinished = journal.unfinished();
            if (unfinished.isEmpty()) {
                Optional<ReleaseRecord> latest = journal.latest();
                outcome.put("recovered", false);
                outcome.put("release", latest.map(ReleaseRecord::id).orElse(null));
                outcome.put("status", latest.map(RecoverCommand::status).orElse(null));
                outcome.put("message", latest.map(r -> "nothing to recover: release " + r.id() + " is " + status(r)
                        + (r.error() == null ? "" : " (" + r.error() + ")")).orElse("nothing to recover: no releases yet"));
            } else {
                ReleaseRecord record = unfinished.get();
                Pm2Manager pm2 = target.pm2();
                pm2.initialize();
                Rollback.Result result = Recovery.restore(journal, new Rollback(pm2, session.events(), session.clock(),
                                System.getenv(), t), record, record.services(), Map.of(), Set.of(),
                        "release " + record.id() + " did not finish", record.error() != null ? record.error()
                                : "interrupted; restored by titan-deploy recover");
                outcome.put("recovered", true);
                outcome.put("release", record.id());
                outcome.put("status", status(journal.latest().orElse(record)));
                outcome.put("message", result.success()
                        ? "release " + record.id() + " did not finish; the release before it was restored"
                        : "release " + record.id() + " did not finish and restoring the release before it failed: "
                        + result.message());
                outcome.set("services", new ObjectMapper().valueToTree(result.actions()));
                exit = result.success() ? ExitCodes.OK : ExitCodes.ROLLBACK_FAILED;
            }
        } catch (TitanException e) {
            if (!json) {
                throw e;
            }
            outcome.put("recovered", false);
            outcome.put("message", e.getMessage());
            exit = e.exitCode();
        }
        outcome.put("exitCode", exit);
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(outcome));
        } else {
            out.println(outcome.path("message").asText());
            outcome.path("services").properties().forEach(e -> out.printf("%-24s %s%n", e.getKey(), e.getValue().asText()));
        }
        out.flush();
        if (restorer) {
            // Last act: PM2 stops this process as it deletes the app.
            target.pm2().deleteIfPresent(Restorer.APP);
        }
        return exit;
    }

    private static String status(ReleaseRecord record) {
        return record.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
