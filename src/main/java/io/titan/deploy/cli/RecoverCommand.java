package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.TitanException;
import io.titan.deploy.deploy.HostActions;
import java.io.PrintWriter;
import java.time.Duration;
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
        Target target = session.target();
        PrintWriter out = session.out();
        ObjectNode outcome = new ObjectMapper().createObjectNode();
        int exit;
        // A release a live pipeline carries out here is the pipeline's to finish or abort: acquiring
        // the host exits 4 unless --take-over.
        try {
            HostActions.Recovered recovered = session.engine(json ? line -> { } : out::println)
                    .recover(restorer ? "recover (restorer)" : "recover", waitLock, takeOver.value);
            outcome.put("recovered", recovered.recovered());
            outcome.put("release", recovered.release());
            outcome.put("status", recovered.status());
            outcome.put("message", recovered.message());
            if (recovered.recovered()) {
                outcome.set("services", new ObjectMapper().valueToTree(recovered.services()));
            }
            exit = recovered.exitCode();
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
}
