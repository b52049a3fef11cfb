package io.titan.deploy.health;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Waits for several strategies one after the other within one overall startup timeout (default
 * {@code 30 s}): each gets only the time the ones before it left over, and its own startup
 * timeout if that is shorter. A strategy that runs out of time fails with the timeout it was
 * given; one that gets no time at all fails as {@code not checked}.
 *
 * <p>Strategies from this package are bounded without being changed. Any other
 * {@link WaitStrategy} is given the time left through its {@link WaitStrategy#withStartupTimeout}
 * (which changes it) and the abort check is consulted only before it starts.
 */
public final class WaitAllStrategy implements WaitStrategy {

    private final List<WaitStrategy> strategies;
    private Duration startupTimeout = AbstractWaitStrategy.DEFAULT_STARTUP_TIMEOUT;
    private TimeSource timeSource = TimeSource.system();
    private Supplier<Optional<String>> abortCheck = AbstractWaitStrategy.NEVER_ABORT;

    /**
     * @throws IllegalArgumentException if {@code strategies} is null or empty or holds a null
     */
    public WaitAllStrategy(WaitStrategy... strategies) {
        Checks.notNull(strategies, "strategies");
        if (strategies.length == 0) {
            throw new IllegalArgumentException("strategies must not be empty");
        }
        for (WaitStrategy strategy : strategies) {
            Checks.notNull(strategy, "strategies[]");
        }
        this.strategies = List.of(strategies);
    }

    /** {@inheritDoc} */
    @Override
    public WaitAllStrategy withStartupTimeout(Duration startupTimeout) {
        this.startupTimeout = Checks.positive(startupTimeout, "startupTimeout");
        return this;
    }

    /**
     * Sets the clock for the overall deadline. The strategies inside keep their own time sources.
     *
     * @throws IllegalArgumentException if {@code timeSource} is null
     */
    public WaitAllStrategy withTimeSource(TimeSource timeSource) {
        this.timeSource = Checks.notNull(timeSource, "timeSource");
        return this;
    }

    /**
     * Sets a check consulted before every attempt of every strategy inside (see
     * {@link AbstractWaitStrategy#withAbortCheck}), in addition to their own.
     *
     * @throws IllegalArgumentException if {@code abortCheck} is null
     */
    public WaitAllStrategy withAbortCheck(Supplier<Optional<String>> abortCheck) {
        this.abortCheck = Checks.notNull(abortCheck, "abortCheck");
        return this;
    }

    /** The strategies waited for, in order. */
    public List<WaitStrategy> strategies() {
        return strategies;
    }

    /** How long {@link #waitUntilReady()} waits at most for all of them. */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** {@inheritDoc} */
    @Override
    public void waitUntilReady() {
        waitWithin(startupTimeout, AbstractWaitStrategy.NEVER_ABORT);
    }

    void waitWithin(Duration budget, Supplier<Optional<String>> outerAbort) {
        Duration timeout = budget.compareTo(startupTimeout) < 0 ? budget : startupTimeout;
        Supplier<Optional<String>> abort = AbstractWaitStrategy.either(abortCheck, outerAbort);
        long deadline = timeSource.nanoTime() + timeout.toNanos();
        for (WaitStrategy strategy : strategies) {
            long remaining = deadline - timeSource.nanoTime();
            if (remaining <= 0) {
                throw new HealthCheckTimeoutException(targetOf(strategy), expectationOf(strategy), timeout,
                        "not checked: the checks before it used up the time", 0);
            }
            Duration left = Duration.ofNanos(remaining);
            if (strategy instanceof AbstractWaitStrategy<?> bounded) {
                bounded.waitWithin(left, abort);
            } else if (strategy instanceof WaitAllStrategy all) {
                all.waitWithin(left, abort);
            } else {
                Optional<String> reason = AbstractWaitStrategy.reasonFrom(abort);
                if (reason.isPresent()) {
                    throw new HealthCheckFailedException(targetOf(strategy), reason.get());
                }
                strategy.withStartupTimeout(left).waitUntilReady();
            }
        }
    }

    private static String targetOf(WaitStrategy strategy) {
        return strategy instanceof AbstractWaitStrategy<?> bounded ? bounded.target() : strategy.toString();
    }

    private static String expectationOf(WaitStrategy strategy) {
        return strategy instanceof AbstractWaitStrategy<?> bounded ? bounded.expectation() : "become ready";
    }

    /** {@code all of [GET http://127.0.0.1:3000/health, tcp 127.0.0.1:3001]}. */
    @Override
    public String toString() {
        return strategies.stream().map(WaitAllStrategy::targetOf).collect(Collectors.joining(", ", "all of [", "]"));
    }
}
