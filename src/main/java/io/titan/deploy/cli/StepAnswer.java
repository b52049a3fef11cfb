package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.event.EventJson;
import io.titan.deploy.health.Durations;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * What {@code release service} and {@code release soak} end with: one line about the service, or
 * with {@code --json} one JSON object, which Jenkins reads to set the stage's result.
 */
final class StepAnswer {

    /** The description of {@code --json} on those steps. */
    static final String JSON = "End with one JSON line: {release, name, host, status, stageResult, durationMs, "
            + "message, output}; output: the last lines a failed service printed, [{stream: out|err, time, text}], "
            + "secrets masked; a service left healthy also soakMs, the soak `release soak` finishes.";

    private StepAnswer() {
    }

    /** Prints what became of one service (a line, or with {@code json} one JSON object) and returns the exit code. */
    static int print(Session session, String release, ServiceOutcome outcome, boolean json) throws IOException {
        PrintWriter out = session.out();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("release", release);
            node.put("name", outcome.name());
            node.put("host", session.target().host());
            node.put("status", outcome.status().value());
            node.put("stageResult", outcome.status().stageResult());
            node.put("durationMs", outcome.duration().toMillis());
            node.put("message", outcome.message());
            node.set("output", EventJson.toJson(outcome.output()));
            if (outcome.status() == ServiceStatus.HEALTHY) {
                // How long `release soak` has to watch, counted from when it became healthy.
                node.put("soakMs", session.topology().service(outcome.name()).soak().toMillis());
            }
            out.println(new ObjectMapper().writeValueAsString(node));
        } else {
            out.println(outcome.name() + " " + outcome.status().value()
                    + (outcome.startedAt() == null ? "" : " in " + Durations.format(outcome.duration()))
                    + (outcome.message() == null ? "" : ": " + outcome.message()));
        }
        out.flush();
        boolean ok = outcome.status().ok() || outcome.status() == ServiceStatus.HEALTHY;
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
