package io.titan.deploy.validate;

import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import java.time.Duration;

/** A probe whose blocking I/O the validator can cut short when the overall bound is hit. */
interface AbortableProbe extends HealthProbe {

    /** Like {@link #probe(Duration)}, registering its socket with {@code aborts}. */
    ProbeResult probe(Duration timeout, Aborts aborts);

    @Override
    default ProbeResult probe(Duration timeout) {
        return probe(timeout, new Aborts());
    }
}
