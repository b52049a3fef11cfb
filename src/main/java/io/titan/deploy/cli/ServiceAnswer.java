package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.event.EventJson;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.Durations;
import java.io.IOException;
import java.io.PrintWriter;

/** What {@code release service} and {@code release soak} print about their service, and their exit code. */
final class ServiceAnswer {

    /** The {@code --json} option's description. */
    static final String JSON = "End with one JSON line: {release, name, host, status, stageResult, durationMs, "
            + "downtimeMs, failedProbes, downtime, line, message, output}; downtimeMs and failedProbes: how long it "
            + "answered nothing while it was replaced, null when not measured; line: the line a console shows "
            + "(`titan-brain deployed in 0.4 s, unavailable 0 ms`); output: the last lines a failed service printed, "
            + "[{stream: out|err, time, text}], secrets masked; a service left healthy also soakMs, the soak "
            + "`release soak` finishes.";

    private ServiceAnswer() {
    }

    /** Prints what became of one service (a line, or with {@code json} one JSON object) and returns the exit code. */
    static int print(Session session, String release, ServiceOutcome outcome, boolean json) throws IOException {
        PrintWriter out = session.out();
        Downtime downtime = outcome.downtime();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("release", release);
            node.put("name", outcome.name());
            node.put("host", session.target().host());
            node.put("status", outcome.status().value());
            node.put("stageResult", outcome.status().stageResult());
            node.put("durationMs", outcome.duration().toMillis());
            if (downtime != null && downtime.measured()) {
                node.put("downtimeMs", downtime.window().orElseThrow().toMillis());
                node.put("failedProbes", downtime.failedProbes());
            } else {
                node.putNull("downtimeMs");
                node.putNull("failedProbes");
            }
            node.put("downtime", downtime == null ? null : downtime.text());
            node.put("line", line(outcome));
            node.put("message", outcome.message());
            node.set("output", EventJson.toJson(outcome.output()));
            if (outcome.status() == ServiceStatus.HEALTHY) {
                // How long `release soak` has to watch, counted from when it became healthy.
                node.put("soakMs", session.topology().service(outcome.name()).soak().toMillis());
            }
            out.println(new ObjectMapper().writeValueAsString(node));
        } else {
            out.println(line(outcome));
        }
        out.flush();
        boolean ok = outcome.status().ok() || outcome.status() == ServiceStatus.HEALTHY;
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** {@code titan-brain deployed in 0.4 s, unavailable 0 ms}, then why it failed, if it did. */
    static String line(ServiceOutcome outcome) {
        Downtime downtime = outcome.downtime();
        return outcome.name() + " " + outcome.status().value()
                + (outcome.startedAt() == null ? "" : " in " + Durations.format(outcome.duration()))
                + (downtime == null || Downtime.NEW.equals(downtime.notMeasured()) ? "" : ", " + downtime.text())
                + (outcome.message() == null ? "" : ": " + outcome.message());
    }
}
