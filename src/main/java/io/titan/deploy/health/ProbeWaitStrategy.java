package io.titan.deploy.health;

import java.time.Duration;

/** Repeats a {@link HealthProbe} until it reports healthy or the startup timeout passes. */
public final class ProbeWaitStrategy extends AbstractWaitStrategy<ProbeWaitStrategy> {

    private final HealthProbe probe;
    private final String expectation;

    /**
     * Waits for {@code probe}; messages say the target did not {@code become healthy}.
     *
     * @throws IllegalArgumentException if {@code probe} is null
     */
    public ProbeWaitStrategy(HealthProbe probe) {
        this(probe, "become healthy");
    }

    /**
     * Waits for {@code probe}; messages use {@code expectation}, a verb phrase such as
     * {@code return 2xx}.
     *
     * @throws IllegalArgumentException if an argument is null or {@code expectation} is blank
     */
    public ProbeWaitStrategy(HealthProbe probe, String expectation) {
        this.probe = Checks.notNull(probe, "probe");
        this.expectation = Checks.notBlank(expectation, "expectation");
    }

    /** The repeated probe. */
    public HealthProbe probe() {
        return probe;
    }

    @Override
    protected ProbeResult attempt(Duration timeout) {
        ProbeResult result = probe.probe(timeout);
        return result != null ? result : ProbeResult.unhealthy("probe returned no result");
    }

    @Override
    protected String target() {
        return probe.target();
    }

    @Override
    protected String expectation() {
        return expectation;
    }

    @Override
    protected ProbeWaitStrategy self() {
        return this;
    }

    @Override
    public String toString() {
        return probe.target();
    }
}
