package io.titan.deploy.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A probe on a fake clock: each attempt takes as long as {@code cost} says (advancing the clock)
 * and returns what {@code results} says for that attempt number, counted from 1.
 */
final class ScriptedProbe implements HealthProbe {

    private final FakeTimeSource time;
    private final Function<Duration, Duration> cost;
    private final Function<Integer, ProbeResult> results;
    private final List<Duration> timeouts = new ArrayList<>();
    private String target = "probe of service-x";

    ScriptedProbe(FakeTimeSource time, Function<Duration, Duration> cost, Function<Integer, ProbeResult> results) {
        this.time = time;
        this.cost = cost;
        this.results = results;
    }

    /** Answers instantly: unhealthy ({@code returned 503}) until attempt {@code healthyFrom}. */
    static ScriptedProbe healthyFromAttempt(FakeTimeSource time, int healthyFrom) {
        return new ScriptedProbe(time, timeout -> Duration.ZERO,
                n -> n >= healthyFrom ? ProbeResult.healthy("returned 200") : ProbeResult.unhealthy("returned 503"));
    }

    /** Never answers: every attempt uses its whole timeout. */
    static ScriptedProbe hanging(FakeTimeSource time) {
        return new ScriptedProbe(time, timeout -> timeout,
                n -> ProbeResult.unhealthy("timed out"));
    }

    @Override
    public ProbeResult probe(Duration timeout) {
        timeouts.add(timeout);
        time.advance(cost.apply(timeout));
        return results.apply(timeouts.size());
    }

    @Override
    public String target() {
        return target;
    }

    /** Renames the target, for tests that wait for more than one. */
    ScriptedProbe named(String newTarget) {
        this.target = newTarget;
        return this;
    }

    /** The timeout of every attempt so far, in order. */
    List<Duration> timeouts() {
        return timeouts;
    }
}
