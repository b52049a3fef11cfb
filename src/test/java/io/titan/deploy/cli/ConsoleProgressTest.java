package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.OutputLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console lines of a failure: the FAILED line, then the service's last lines under it, indented. */
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
}
