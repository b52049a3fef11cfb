package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.event.DeploymentEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress lines of issue 22's wording slips, each as a reader sees it. */
class ReleaseWordingTest {

    private static final Instant T0 = Instant.parse("2026-12-07T04:15:36Z");

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
}
