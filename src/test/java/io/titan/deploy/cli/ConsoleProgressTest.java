package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.OutputLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Console lines as a reader sees them: a failure (the FAILED line, then the service's last lines under
 * it, indented), and what a release that changes nothing and an abort say (issue 22).
 */
class ConsoleProgressTest {

    private static final Instant T0 = Instant.parse("2026-12-07T05:05:45Z");

    @Test
    void printsAFailedServicesLastLinesIndentedUnderItsFailedLineEachWithStreamAndTime() {
        StringWriter text = new StringWriter();
        ConsoleProgress console = new ConsoleProgress(new PrintWriter(text), T0);

        console.accept(new DeploymentEvent.ServiceFailed(T0.plusMillis(400), "r1", "api", "api exited with code 1"));
        console.accept(new DeploymentEvent.ServiceOutput(T0.plusMillis(402), "r1", "api", List.of(
                new OutputLine(OutputLine.Stream.OUT, T0.plusMillis(110), "stand-in api: TOKEN=****"),
                new OutputLine(OutputLine.Stream.ERR, T0.plusMillis(112), "stand-in api: CRASH_ON_START=1, exiting"))));

        assertThat(text.toString().lines()).containsExactly(
                "[   0.4s] api                      FAILED: api exited with code 1",
                "[   0.4s] api                      last 2 lines of its output (UTC):",
                "            out 05:05:45.110  stand-in api: TOKEN=****",
                "            err 05:05:45.112  stand-in api: CRASH_ON_START=1, exiting");
    }

    private static String line(DeploymentEvent event) {
        StringWriter text = new StringWriter();
        new ConsoleProgress(new PrintWriter(text), T0).accept(event);
        return text.toString().strip();
    }

    @Test
    void aReleaseThatChangesNothingDoesNotSayDeploying() {
        assertThat(line(new DeploymentEvent.DeploymentStarted(T0, "rel-6", List.of("a", "b", "c"), List.of("a", "b", "c"))))
                .isEqualTo("[   0.0s] release rel-6: 3 service(s), all unchanged");
        assertThat(line(new DeploymentEvent.DeploymentStarted(T0, "rel-6", List.of("a", "b", "c"), List.of("b"))))
                .isEqualTo("[   0.0s] release rel-6: deploying 2 of 3 service(s) (1 unchanged)");
        assertThat(line(new DeploymentEvent.DeploymentStarted(T0, "rel-6", List.of("a", "b", "c"))))
                .isEqualTo("[   0.0s] release rel-6: deploying 3 service(s)");
    }

    @Test
    void anAbortSaysAbortedWithItsReasonOnceAndNoFailure() {
        assertThat(line(new DeploymentEvent.DeploymentAborted(T0, "rel-6", "aborted", true)))
                .isEqualTo("[   0.0s] release rel-6 aborted; restoring the release before it");
        assertThat(line(new DeploymentEvent.DeploymentAborted(T0, "rel-6", "titan-brain failed", true)))
                .isEqualTo("[   0.0s] release rel-6 aborted: titan-brain failed; restoring the release before it");
        assertThat(line(new DeploymentEvent.DeploymentAborted(T0, "rel-6", "aborted", false)))
                .isEqualTo("[   0.0s] release rel-6 aborted; left as it runs (--keep)");
    }

    @Test
    void aHealthyLineGivesTheDowntimeWhenMeasuredAndLeavesNotMeasuredToTheReports() {
        assertThat(line(new DeploymentEvent.ServiceDeployed(T0.plusMillis(500), "r1", "brain", java.time.Duration.ofMillis(379),
                false, java.time.Duration.ofMillis(380), 19)))
                .isEqualTo("[   0.5s] brain                    healthy in 379 ms, unavailable 380 ms (19 failed probes)");
        // A first deploy (nothing ran before) or a service without a health check: no downtime on every line.
        assertThat(line(new DeploymentEvent.ServiceDeployed(T0.plusMillis(500), "r1", "brain", java.time.Duration.ofMillis(379),
                false, null, null)))
                .isEqualTo("[   0.5s] brain                    healthy in 379 ms");
    }
}
