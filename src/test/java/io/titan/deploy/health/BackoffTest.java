package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Backoff WITHOUT_JITTER = Backoff.defaults().withJitter(0);

    @Test
    void startsAt50MillisecondsAndGrowsByHalfEachAttempt() {
        assertThat(WITHOUT_JITTER.delay(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(WITHOUT_JITTER.delay(2)).isEqualTo(Duration.ofMillis(75));
        assertThat(WITHOUT_JITTER.delay(3)).isEqualTo(Duration.ofNanos(112_500_000));
        assertThat(WITHOUT_JITTER.delay(4)).isEqualTo(Duration.ofNanos(168_750_000));
    }

    @Test
    void isCappedAtOneSecond() {
        assertThat(WITHOUT_JITTER.delay(8)).isEqualTo(Duration.ofNanos(854_296_875));
        assertThat(WITHOUT_JITTER.delay(9)).isEqualTo(Duration.ofSeconds(1));
        assertThat(WITHOUT_JITTER.delay(1_000)).isEqualTo(Duration.ofSeconds(1));
        assertThat(WITHOUT_JITTER.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterStaysWithinTwentyPercentOfTheBaseAndNeverExceedsTheCap() {
        Backoff backoff = Backoff.defaults().withRandom(new Random(42));
        for (int attempt = 1; attempt <= 40; attempt++) {
            double base = Math.min(50.0 * Math.pow(1.5, attempt - 1), 1000.0);
            for (int draw = 0; draw < 50; draw++) {
                double millis = backoff.delay(attempt).toNanos() / 1e6;
                assertThat(millis).isBetween(base * 0.8, Math.min(base * 1.2, 1000.0));
            }
        }
    }

    @Test
    void jitterActuallyVariesTheDelay() {
        Backoff backoff = Backoff.defaults().withRandom(new Random(7));
        List<Duration> firstDelays = new ArrayList<>();
        for (int draw = 0; draw < 20; draw++) {
            firstDelays.add(backoff.delay(1));
        }
        assertThat(firstDelays).doesNotHaveDuplicates();
        double meanMillis = firstDelays.stream().mapToLong(Duration::toNanos).average().orElseThrow() / 1e6;
        assertThat(meanMillis).isCloseTo(50.0, within(6.0));
    }

    @Test
    void sameSeedGivesTheSameDelays() {
        Backoff first = Backoff.defaults().withRandom(new Random(3));
        Backoff second = Backoff.defaults().withRandom(new Random(3));
        for (int attempt = 1; attempt <= 12; attempt++) {
            assertThat(first.delay(attempt)).isEqualTo(second.delay(attempt));
        }
    }

    @Test
    void withersReturnCopiesAndLeaveTheOriginalAlone() {
        Backoff original = Backoff.defaults();
        Backoff slower = original.withInitialDelay(Duration.ofMillis(200)).withFactor(2).withMaxDelay(Duration.ofSeconds(5));
        assertThat(original.initialDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(original.factor()).isEqualTo(1.5);
        assertThat(original.maxDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(slower.withJitter(0).delay(3)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void rejectsBadSettingsAtOnceNamingTheParameter() {
        Backoff backoff = Backoff.defaults();
        assertRejected(() -> backoff.withInitialDelay(Duration.ZERO), "initialDelay");
        assertRejected(() -> backoff.withInitialDelay(null), "initialDelay");
        assertRejected(() -> backoff.withMaxDelay(Duration.ofMillis(-1)), "maxDelay");
        assertRejected(() -> backoff.withFactor(0.5), "factor");
        assertRejected(() -> backoff.withFactor(Double.NaN), "factor");
        assertRejected(() -> backoff.withJitter(1.0), "jitter");
        assertRejected(() -> backoff.withJitter(-0.1), "jitter");
        assertRejected(() -> backoff.withRandom(null), "random");
        assertRejected(() -> backoff.delay(0), "attempt");
    }

    private static void assertRejected(ThrowingCallable call, String parameter) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(parameter + " ");
    }
}
