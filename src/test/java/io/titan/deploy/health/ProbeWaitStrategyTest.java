package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.titan.deploy.ExitCodes;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The waiting logic on a fake clock: nothing here sleeps for real. */
class ProbeWaitStrategyTest {

    private static final Backoff WITHOUT_JITTER = Backoff.defaults().withJitter(0);

    private final FakeTimeSource time = new FakeTimeSource();

    @AfterEach
    void clearInterruptFlag() {
        Thread.interrupted();
    }

    private ProbeWaitStrategy waitFor(HealthProbe probe) {
        return new ProbeWaitStrategy(probe).withTimeSource(time).withBackoff(WITHOUT_JITTER);
    }

    @Test
    void returnsOnTheFirstHealthyAttemptWithoutPausing() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, 1);

        waitFor(probe).waitUntilReady();

        assertThat(probe.timeouts()).hasSize(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void pausesByTheBackoffBetweenFailedAttempts() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, 4);

        waitFor(probe).waitUntilReady();

        assertThat(probe.timeouts()).hasSize(4);
        assertThat(time.sleeps()).containsExactly(
                Duration.ofMillis(50), Duration.ofMillis(75), Duration.ofNanos(112_500_000));
    }

    @Test
    void jitteredPausesStayWithinTwentyPercentOfTheBackoff() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, 30);

        waitFor(probe).withBackoff(Backoff.defaults().withRandom(new Random(1))).waitUntilReady();

        List<Duration> sleeps = time.sleeps();
        assertThat(sleeps).hasSize(29);
        for (int i = 0; i < sleeps.size(); i++) {
            double base = WITHOUT_JITTER.delay(i + 1).toNanos();
            assertThat((double) sleeps.get(i).toNanos()).isBetween(base * 0.8, Math.min(base * 1.2, 1e9));
        }
    }

    @Test
    void timesOutSayingWhatWasExpectedAndWhatWasLastSeen() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, Integer.MAX_VALUE);

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> waitFor(probe).withStartupTimeout(Duration.ofSeconds(2)).waitUntilReady());

        // Pauses of 50, 75, 112.5 ... ms start attempt 8 at 1.61 s; the pause after it is clipped to
        // the deadline, so there is no ninth.
        assertThat(timeout).hasMessage(
                "probe of service-x did not become healthy within 2 s (last: returned 503 after 8 attempts)");
        assertThat(timeout.target()).isEqualTo("probe of service-x");
        assertThat(timeout.expectation()).isEqualTo("become healthy");
        assertThat(timeout.lastObserved()).isEqualTo("returned 503");
        assertThat(timeout.attempts()).isEqualTo(8);
        assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(timeout.exitCode()).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void neverPausesPastTheDeadline() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, Integer.MAX_VALUE);

        assertThatThrownBy(() -> waitFor(probe).withStartupTimeout(Duration.ofSeconds(2)).waitUntilReady())
                .isInstanceOf(HealthCheckTimeoutException.class);

        assertThat(time.elapsedSinceStart()).isEqualTo(Duration.ofSeconds(2));
        assertThat(time.sleeps().get(time.sleeps().size() - 1)).isLessThan(WITHOUT_JITTER.delay(8));
    }

    @Test
    void clipsTheAttemptTimeoutToTheTimeLeft() {
        ScriptedProbe probe = ScriptedProbe.hanging(time);

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> waitFor(probe).withStartupTimeout(Duration.ofSeconds(12)).waitUntilReady());

        // 0 → 5 s attempt, 50 ms pause, 5 s attempt, 75 ms pause: 1.875 s are left for the third.
        assertThat(probe.timeouts()).containsExactly(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(1875));
        assertThat(timeout.attempts()).isEqualTo(3);
        assertThat(time.elapsedSinceStart()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void usesTheConfiguredAttemptTimeout() {
        ScriptedProbe probe = ScriptedProbe.hanging(time);

        assertThatThrownBy(() -> waitFor(probe)
                .withStartupTimeout(Duration.ofMillis(1500))
                .withAttemptTimeout(Duration.ofMillis(400))
                .waitUntilReady())
                .isInstanceOf(HealthCheckTimeoutException.class);

        // 400 + 50 + 400 + 75 + 400 + 112.5 ms: 62.5 ms are left, too little for a fourth attempt.
        assertThat(probe.timeouts()).containsExactly(
                Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(400));
    }

    @Test
    void sleepsOutTheDeadlineRatherThanStartAnAttemptTooShortToSucceed() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, Integer.MAX_VALUE);

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> waitFor(probe).withStartupTimeout(Duration.ofMillis(200)).waitUntilReady());

        // Attempts at 0 and 50 ms; after a 75 ms pause only 75 ms would be left, under 100 ms.
        assertThat(probe.timeouts()).hasSize(2);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(50), Duration.ofMillis(150));
        assertThat(timeout.lastObserved()).isEqualTo("returned 503");
        assertThat(time.elapsedSinceStart()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void makesAShortFirstAttemptWhenThatIsAllTheTimeThereIs() {
        ScriptedProbe probe = ScriptedProbe.hanging(time);

        assertThatThrownBy(() -> waitFor(probe).withStartupTimeout(Duration.ofMillis(20)).waitUntilReady())
                .isInstanceOf(HealthCheckTimeoutException.class);

        assertThat(probe.timeouts()).containsExactly(Duration.ofMillis(20));
    }

    @Test
    void abortCheckStopsTheWaitAtOnceWithItsReason() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, Integer.MAX_VALUE);
        AtomicInteger checks = new AtomicInteger();

        HealthCheckFailedException failed = catchThrowableOfType(HealthCheckFailedException.class,
                () -> waitFor(probe)
                        .withAbortCheck(() -> checks.incrementAndGet() < 3
                                ? Optional.empty()
                                : Optional.of("titan-brain crashed (pm2 status errored)"))
                        .waitUntilReady());

        assertThat(failed).hasMessage("stopped waiting for probe of service-x: titan-brain crashed (pm2 status errored)");
        assertThat(failed.reason()).isEqualTo("titan-brain crashed (pm2 status errored)");
        assertThat(failed.target()).isEqualTo("probe of service-x");
        assertThat(failed.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(probe.timeouts()).as("attempts before the abort").hasSize(2);
        assertThat(time.elapsedSinceStart()).isEqualTo(Duration.ofMillis(125));
    }

    @Test
    void abortCheckIsConsultedBeforeTheFirstAttempt() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, 1);

        assertThatThrownBy(() -> waitFor(probe).withAbortCheck(() -> Optional.of("already crashed")).waitUntilReady())
                .isInstanceOf(HealthCheckFailedException.class);

        assertThat(probe.timeouts()).isEmpty();
    }

    @Test
    void interruptionDuringAPauseSurfacesWithTheInterruptFlagSetAgain() {
        ScriptedProbe probe = new ScriptedProbe(time, timeout -> Duration.ZERO, attempt -> {
            if (attempt == 2) {
                // Arrives while the wait is about to pause; the fake sleep then throws like Thread.sleep.
                Thread.currentThread().interrupt();
            }
            return ProbeResult.unhealthy("returned 503");
        });

        assertThatThrownBy(() -> waitFor(probe).waitUntilReady())
                .isInstanceOf(HealthCheckInterruptedException.class)
                .hasMessage("interrupted while waiting for probe of service-x");

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(probe.timeouts()).hasSize(2);
    }

    @Test
    void interruptionInsideTheSleepSurfacesWithTheInterruptFlagSetAgain() {
        ScriptedProbe probe = ScriptedProbe.healthyFromAttempt(time, Integer.MAX_VALUE);
        TimeSource interruptedSleep = new TimeSource() {
            @Override
            public long nanoTime() {
                return time.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                throw new InterruptedException("stopped by the pipeline");
            }
        };

        assertThatThrownBy(() -> waitFor(probe).withTimeSource(interruptedSleep).waitUntilReady())
                .isInstanceOf(HealthCheckInterruptedException.class)
                .hasCauseInstanceOf(InterruptedException.class);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void startsEachWaitWithAFreshBackoff() {
        HealthProbe probe = new ScriptedProbe(time, timeout -> Duration.ZERO,
                attempt -> attempt % 2 == 0 ? ProbeResult.healthy("ok") : ProbeResult.unhealthy("not yet"));
        ProbeWaitStrategy strategy = waitFor(probe);

        strategy.waitUntilReady();
        strategy.waitUntilReady();

        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(50), Duration.ofMillis(50));
    }

    @Test
    void hasSensibleDefaults() {
        ProbeWaitStrategy strategy = new ProbeWaitStrategy(ScriptedProbe.healthyFromAttempt(time, 1));

        assertThat(strategy.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(strategy.attemptTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void settersRejectBadInputAtOnceNamingTheParameter() {
        ProbeWaitStrategy strategy = waitFor(ScriptedProbe.healthyFromAttempt(time, 1));
        assertRejected(() -> strategy.withStartupTimeout(null), "startupTimeout");
        assertRejected(() -> strategy.withStartupTimeout(Duration.ZERO), "startupTimeout");
        assertRejected(() -> strategy.withStartupTimeout(Duration.ofSeconds(-1)), "startupTimeout");
        assertRejected(() -> strategy.withAttemptTimeout(null), "attemptTimeout");
        assertRejected(() -> strategy.withAttemptTimeout(Duration.ZERO), "attemptTimeout");
        assertRejected(() -> strategy.withAttemptTimeout(Duration.ofMillis(-1)), "attemptTimeout");
        assertRejected(() -> strategy.withBackoff(null), "backoff");
        assertRejected(() -> strategy.withTimeSource(null), "timeSource");
        assertRejected(() -> strategy.withAbortCheck(null), "abortCheck");
        assertRejected(() -> new ProbeWaitStrategy(null), "probe");
        assertRejected(() -> new ProbeWaitStrategy(ScriptedProbe.hanging(time), ""), "expectation");
        assertThat(strategy.startupTimeout()).as("unchanged by rejected input").isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void factoryRejectsBadInputAtOnceNamingTheParameter() {
        assertRejected(() -> Wait.forHttp((String) null), "url");
        assertRejected(() -> Wait.forHttp("http://127.0.0.1:3000/he alth"), "url");
        assertRejected(() -> Wait.forHttp("/health"), "url");
        assertRejected(() -> Wait.forHttp(URI.create("/health")), "uri");
        assertRejected(() -> Wait.forTcp(" ", 3001), "host");
        assertRejected(() -> Wait.forTcp("127.0.0.1", -1), "port");
        assertRejected(() -> Wait.forProbe(null), "probe");
    }

    private static void assertRejected(ThrowingCallable call, String parameter) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(parameter);
    }
}
