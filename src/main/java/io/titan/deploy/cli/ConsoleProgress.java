package io.titan.deploy.cli;

import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.DeploymentEvent.DeploymentCompleted;
import io.titan.deploy.event.DeploymentEvent.DeploymentFailed;
import io.titan.deploy.event.DeploymentEvent.DeploymentStarted;
import io.titan.deploy.event.DeploymentEvent.Pm2Started;
import io.titan.deploy.event.DeploymentEvent.RollbackCompleted;
import io.titan.deploy.event.DeploymentEvent.RollbackStarted;
import io.titan.deploy.event.DeploymentEvent.ServiceDeployed;
import io.titan.deploy.event.DeploymentEvent.ServiceDeploying;
import io.titan.deploy.event.DeploymentEvent.ServiceFailed;
import io.titan.deploy.event.DeploymentEvent.ServiceOutput;
import io.titan.deploy.event.DeploymentEvent.ServiceRolledBack;
import io.titan.deploy.event.DeploymentEvent.ServiceSkipped;
import io.titan.deploy.event.DeploymentEvent.ServiceUnchanged;
import io.titan.deploy.event.DeploymentEvent.ValidationCheck;
import io.titan.deploy.event.DeploymentEvent.ValidationCompleted;
import io.titan.deploy.event.DeploymentEvent.ValidationStarted;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * One plain line per event, elapsed time first, readable in a Jenkins console (no colour, no
 * cursor tricks): {@code [  2.4s] titan-brain         deployed in 1.1 s}. A failed service's last
 * output lines follow its {@code FAILED} line, indented.
 */
final class ConsoleProgress implements Consumer<DeploymentEvent> {

    /** Lines under an event line start past its {@code [  12.3s] } and a little more. */
    private static final String INDENT = " ".repeat(12);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final PrintWriter out;
    private final Instant start;

    ConsoleProgress(PrintWriter out, Instant start) {
        this.out = out;
        this.start = start;
    }

    @Override
    public void accept(DeploymentEvent event) {
        String text = describe(event);
        if (text == null) {
            return;
        }
        double elapsed = Math.max(0, Duration.between(start, event.at()).toMillis()) / 1000.0;
        out.printf("[%6.1fs] %s%n", elapsed, text);
        out.flush();
    }

    private static String describe(DeploymentEvent event) {
        if (event instanceof DeploymentStarted e) {
            return started(e);
        } else if (event instanceof Pm2Started e) {
            return "pm2 daemon ready";
        } else if (event instanceof ServiceDeploying e) {
            return service(e.service()) + "starting (level " + e.level() + ")";
        } else if (event instanceof ServiceDeployed e) {
            // Not measured (a service new in the release, or one without a health check) is left to the
            // reports, which say why: on a first deploy every line would say it.
            return service(e.service()) + "healthy in " + Durations.format(e.duration())
                    + (e.downtime() == null ? "" : ", " + Downtime.describe(e.downtime(), e.failedProbes()));
        } else if (event instanceof ServiceUnchanged e) {
            return service(e.service()) + "unchanged";
        } else if (event instanceof DeploymentEvent.ServiceRemoved e) {
            return service(e.service()) + "removed: " + e.reason();
        } else if (event instanceof ServiceFailed e) {
            return service(e.service()) + "FAILED: " + e.reason();
        } else if (event instanceof ServiceOutput e) {
            return output(e);
        } else if (event instanceof ServiceSkipped e) {
            return service(e.service()) + "skipped: " + e.reason();
        } else if (event instanceof DeploymentCompleted e) {
            return "release " + e.releaseId() + " deployed in " + Durations.format(e.duration());
        } else if (event instanceof DeploymentFailed e) {
            return "release " + e.releaseId() + " FAILED: " + e.reason();
        } else if (event instanceof DeploymentEvent.DeploymentAborted e) {
            // "aborted" is the reason a plain `release abort` gives: not said twice.
            return "release " + e.releaseId() + " aborted" + ("aborted".equals(e.reason()) ? "" : ": " + e.reason())
                    + (e.restore() ? "; restoring the release before it" : "; left as it runs (--keep)");
        } else if (event instanceof RollbackStarted e) {
            return "rollback of " + e.releaseId() + " started";
        } else if (event instanceof DeploymentEvent.ServiceRestored e) {
            return service(e.service()) + "restored"
                    + (e.downtime() == null ? "" : ", " + Downtime.describe(e.downtime(), e.failedProbes()));
        } else if (event instanceof ServiceRolledBack e) {
            // A service restored running has said so with its downtime (service:restored) just before.
            return e.action().equals("restored") ? null : service(e.service()) + e.action();
        } else if (event instanceof RollbackCompleted e) {
            return e.success() ? "rollback completed: previous release restored"
                    : "ROLLBACK FAILED: " + e.message() + " (manual action needed)";
        } else if (event instanceof ValidationStarted e) {
            return "validation: " + e.checks().size() + " check(s)";
        } else if (event instanceof ValidationCheck e) {
            String verdict = e.success() ? "ok" : e.required() ? "FAILED" : "warning";
            return "check " + pad(e.name()) + verdict + " (" + Durations.format(e.duration()) + ")"
                    + (e.message() == null || e.success() ? "" : ": " + e.message());
        } else if (event instanceof ValidationCompleted e) {
            return "validation " + (e.success() ? "passed" : "FAILED") + " in " + Durations.format(e.duration());
        }
        return null;
    }

    /** How many services the release changes: a release that changes none does not say "deploying". */
    private static String started(DeploymentStarted e) {
        int all = e.services().size();
        int changed = all - e.unchanged().size();
        if (changed == 0) {
            return "release " + e.releaseId() + ": " + all + " service(s), all unchanged";
        }
        return "release " + e.releaseId() + ": deploying " + (changed == all ? all : changed + " of " + all)
                + " service(s)" + (changed == all ? "" : " (" + e.unchanged().size() + " unchanged)");
    }

    /**
     * A service's last lines, under the line that said it failed: one per line, indented past the
     * elapsed time, each with its stream and UTC time ({@code err 05:05:45.112 text}).
     */
    private static String output(ServiceOutput e) {
        int n = e.lines().size();
        StringBuilder text = new StringBuilder(service(e.service())).append("last ")
                .append(n == 1 ? "line" : n + " lines").append(" of its output (UTC):");
        for (OutputLine line : e.lines()) {
            text.append(System.lineSeparator()).append(INDENT).append(line.stream().value()).append(' ')
                    .append(CLOCK.format(line.time())).append("  ").append(line.text());
        }
        return text.toString();
    }

    private static String service(String name) {
        return pad(name);
    }

    private static String pad(String name) {
        return String.format("%-24s ", name);
    }
}
