package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One overall deadline for several strategies, on a fake clock. */
class WaitAllStrategyTest {

    private final FakeTimeSource time = new FakeTimeSource();

    private ProbeWaitStrategy waitFor(HealthProbe probe) {
        return new ProbeWaitStrategy(probe).withTimeSource(time).withBackoff(Backoff.defaults().withJitter(0));
    }

    /** Healthy on its first attempt, which takes {@code cost}. */
    private ScriptedProbe healthyAfter(Duration cost, String target) {
        return new ScriptedProbe(time, timeout -> cost, attempt -> ProbeResult.healthy("returned 200")).named(target);
    }

    @Test
    void waitsForEachStrategyInTurn() {
        List<String> order = new ArrayList<>();
        HealthProbe shared = recording(order, "titan-shared");
        HealthProbe brain = recording(order, "titan-brain");

        Wait.forAll(waitFor(shared), waitFor(brain)).withTimeSource(time).waitUntilReady();

        assertThat(order).containsExactly("titan-shared", "titan-brain");
    }

    @Test
    void laterStrategiesGetOnlyTheTimeTheEarlierOnesLeft() {
        ScriptedProbe slow = healthyAfter(Duration.ofSeconds(8), "tcp 127.0.0.1:3001");
        ScriptedProbe hanging = ScriptedProbe.hanging(time).named("GET http://127.0.0.1:3000/health");

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> Wait.forAll(waitFor(slow), waitFor(hanging))
                        .withStartupTimeout(Duration.ofSeconds(10))
                        .withTimeSource(time)
                        .waitUntilReady());

        assertThat(hanging.timeouts()).containsExactly(Duration.ofSeconds(2));
        assertThat(timeout.target()).isEqualTo("GET http://127.0.0.1:3000/health");
        assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(time.elapsedSinceStart()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aShorterOwnStartupTimeoutStillApplies() {
        ScriptedProbe hanging = ScriptedProbe.hanging(time);

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> Wait.forAll(waitFor(hanging).withStartupTimeout(Duration.ofSeconds(3)))
                        .withTimeSource(time)
                        .waitUntilReady());

        assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(time.elapsedSinceStart()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void reportsAStrategyLeftWithoutTimeAsNotChecked() {
        ScriptedProbe slow = healthyAfter(Duration.ofSeconds(10), "tcp 127.0.0.1:3001");
        ScriptedProbe never = ScriptedProbe.hanging(time).named("tcp 127.0.0.1:3002");

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> Wait.forAll(waitFor(slow), waitFor(never))
                        .withStartupTimeout(Duration.ofSeconds(10))
                        .withTimeSource(time)
                        .waitUntilReady());

        assertThat(timeout).hasMessage("tcp 127.0.0.1:3002 did not become healthy within 10 s"
                + " (not checked: the checks before it used up the time)");
        assertThat(timeout.attempts()).isZero();
        assertThat(never.timeouts()).isEmpty();
    }

    @Test
    void itsAbortCheckStopsTheStrategyInsideAtOnce() {
        ScriptedProbe never = ScriptedProbe.healthyFromAttempt(time, Integer.MAX_VALUE);
        AtomicInteger checks = new AtomicInteger();

        HealthCheckFailedException failed = catchThrowableOfType(HealthCheckFailedException.class,
                () -> Wait.forAll(waitFor(never))
                        .withTimeSource(time)
                        .withAbortCheck(() -> checks.incrementAndGet() < 4 ? Optional.empty() : Optional.of("crashed"))
                        .waitUntilReady());

        assertThat(failed.reason()).isEqualTo("crashed");
        assertThat(never.timeouts()).hasSize(3);
    }

    @Test
    void innerAbortChecksStillApply() {
        ScriptedProbe never = ScriptedProbe.healthyFromAttempt(time, Integer.MAX_VALUE);

        assertThatThrownBy(() -> Wait.forAll(waitFor(never).withAbortCheck(() -> Optional.of("inner reason")))
                        .withTimeSource(time)
                        .withAbortCheck(Optional::empty)
                        .waitUntilReady())
                .isInstanceOf(HealthCheckFailedException.class)
                .hasMessageEndingWith(": inner reason");
    }

    @Test
    void nestedGroupsShareTheOuterDeadline() {
        ScriptedProbe slow = healthyAfter(Duration.ofSeconds(7), "first");
        ScriptedProbe hanging = ScriptedProbe.hanging(time).named("second");

        assertThatThrownBy(() -> Wait.forAll(waitFor(slow), Wait.forAll(waitFor(hanging)).withTimeSource(time))
                        .withStartupTimeout(Duration.ofSeconds(10))
                        .withTimeSource(time)
                        .waitUntilReady())
                .isInstanceOf(HealthCheckTimeoutException.class);

        assertThat(hanging.timeouts()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void givesOtherStrategiesTheTimeLeftAsTheirStartupTimeout() {
        ScriptedProbe slow = healthyAfter(Duration.ofSeconds(4), "first");
        RecordingStrategy foreign = new RecordingStrategy();

        Wait.forAll(waitFor(slow), foreign).withStartupTimeout(Duration.ofSeconds(10)).withTimeSource(time)
                .waitUntilReady();

        assertThat(foreign.startupTimeout).isEqualTo(Duration.ofSeconds(6));
        assertThat(foreign.waited).isTrue();
    }

    @Test
    void describesItselfByItsTargets() {
        assertThat(Wait.forAll(Wait.forHttp("http://127.0.0.1:3000/health"), Wait.forTcp("127.0.0.1", 3001)))
                .hasToString("all of [GET http://127.0.0.1:3000/health, tcp 127.0.0.1:3001]");
    }

    @Test
    void settersRejectBadInputAtOnceNamingTheParameter() {
        WaitAllStrategy all = Wait.forAll(Wait.forTcp("127.0.0.1", 3001));
        assertThatThrownBy(() -> all.withStartupTimeout(Duration.ZERO)).hasMessageStartingWith("startupTimeout");
        assertThatThrownBy(() -> all.withTimeSource(null)).hasMessageStartingWith("timeSource");
        assertThatThrownBy(() -> all.withAbortCheck(null)).hasMessageStartingWith("abortCheck");
        assertThatThrownBy(() -> new WaitAllStrategy((WaitStrategy[]) null)).hasMessageStartingWith("strategies");
    }

    private HealthProbe recording(List<String> order, String name) {
        return new ScriptedProbe(time, timeout -> Duration.ZERO, attempt -> {
            order.add(name);
            return ProbeResult.healthy("ok");
        }).named(name);
    }

    /** A strategy from outside this package: only the public interface is known. */
    private static final class RecordingStrategy implements WaitStrategy {
        private Duration startupTimeout;
        private boolean waited;

        @Override
        public void waitUntilReady() {
            waited = true;
        }

        @Override
        public WaitStrategy withStartupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }
    }
}
