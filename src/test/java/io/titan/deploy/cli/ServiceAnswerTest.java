package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.health.Downtime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one line a release step ends with, as its Jenkins stage shows it. */
class ServiceAnswerTest {

    private static final Instant T0 = Instant.parse("2026-12-07T05:05:45Z");

    private static ServiceOutcome deployed(Downtime downtime) {
        return new ServiceOutcome("brain", ServiceStatus.DEPLOYED, 1, List.of(), T0, T0.plusMillis(400),
                Duration.ofMillis(400), 0, null, "local", List.of(), downtime, null);
    }

    @Test
    void saysWhatReplacingTheServiceCostOrWhyThatWasNotMeasuredButNothingForAServiceNewInTheRelease() {
        assertThat(ServiceAnswer.line(deployed(Downtime.none(0)))).isEqualTo("brain deployed in 400 ms, unavailable 0 ms");
        assertThat(ServiceAnswer.line(deployed(Downtime.notMeasured(Downtime.NO_HEALTH_CHECK))))
                .isEqualTo("brain deployed in 400 ms, downtime: not measured (no health check)");
        assertThat(ServiceAnswer.line(deployed(Downtime.notMeasured(Downtime.NEW)))).isEqualTo("brain deployed in 400 ms");
    }
}
