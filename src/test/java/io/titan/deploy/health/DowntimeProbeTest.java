package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The unavailability window as the probes see it, on a clock that moves 20 ms per look. */
class DowntimeProbeTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    /** Answers as scripted, then healthy forever; counts down once the script is used up. */
    private static final class Scripted implements HealthProbe {
        private final Deque<Boolean> answers;
        final CountDownLatch usedUp = new CountDownLatch(1);

        Scripted(List<Boolean> answers) {
            this.answers = new ArrayDeque<>(answers);
        }

        @Override
        public synchronized ProbeResult probe(Duration timeout) {
            Boolean next = answers.poll();
            if (answers.isEmpty()) {
                usedUp.countDown();
            }
            return next == null || next ? ProbeResult.healthy("returned 200") : ProbeResult.unhealthy("connection refused");
        }

        @Override
        public String target() {
            return "scripted";
        }
    }

    /** Each look is 20 ms after the one before. */
    private static final class Stepping extends Clock {
        private long looks;

        @Override
        public synchronized Instant instant() {
            return T0.plusMillis(20 * looks++);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void theWindowRunsFromTheLastGoodAnswerBeforeTheFailuresToTheFirstGoodAnswerAfter() throws Exception {
        // First probe (was it serving?), 2 good, 3 failed, then good again.
        Scripted probe = new Scripted(List.of(true, true, true, false, false, false, true, true));
        DowntimeProbe downtime = DowntimeProbe.start("api", probe, Duration.ofSeconds(1), new Stepping());
        assertThat(probe.usedUp.await(30, TimeUnit.SECONDS)).isTrue();

        Downtime measured = downtime.finish(Duration.ofSeconds(5));

        assertThat(measured.measured()).isTrue();
        assertThat(measured.failedProbes()).isEqualTo(3);
        assertThat(measured.window()).hasValue(Duration.ofMillis(80));
        assertThat(measured.text()).isEqualTo("unavailable 80 ms (3 failed probes)");
    }

    @Test
    void everyProbeAnsweringIsZeroMeasured() throws Exception {
        Scripted probe = new Scripted(List.of(true, true, true));
        DowntimeProbe downtime = DowntimeProbe.start("api", probe, Duration.ofSeconds(1), new Stepping());
        assertThat(probe.usedUp.await(30, TimeUnit.SECONDS)).isTrue();

        Downtime measured = downtime.finish(Duration.ofSeconds(5));

        assertThat(measured.window()).hasValue(Duration.ZERO);
        assertThat(measured.text()).isEqualTo("unavailable 0 ms");
    }

    @Test
    void aServiceThatDidNotAnswerBeforeOrHasNoHealthCheckIsNotMeasuredNeverZero() throws Exception {
        Downtime notServing = DowntimeProbe.start("api", new Scripted(List.of(false)), Duration.ofSeconds(1),
                Clock.systemUTC()).finish(Duration.ZERO);
        Downtime noCheck = DowntimeProbe.start("api", null, Duration.ofSeconds(1), Clock.systemUTC())
                .finish(Duration.ZERO);

        assertThat(notServing.window()).isEmpty();
        assertThat(notServing.text()).isEqualTo("downtime: not measured (it did not answer before it was replaced)");
        assertThat(noCheck.failed()).isEmpty();
        assertThat(noCheck.text()).isEqualTo("downtime: not measured (no health check)");
    }
}
