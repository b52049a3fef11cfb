package io.titan.deploy.deploy;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.health.Backoff;
import io.titan.deploy.health.Durations;
import io.titan.deploy.health.HealthCheckException;
import io.titan.deploy.health.HealthCheckFailedException;
import io.titan.deploy.health.HealthCheckTimeoutException;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeWaitStrategy;
import io.titan.deploy.health.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides when a started service is ready: its own health check (PM2's {@code wait_ready} fails
 * open, so it is not trusted), or, for a service without one, PM2 showing it online.
 */
final class HealthGate {

    /**
     * The health package's default backoff grows to 1 s, so a service could sit healthy for up to a
     * second before its dependents start, on every level of the graph. The gate polls a service the
     * engine has just started, usually on loopback: a request every 100 ms costs it nothing.
     */
    private static final Backoff BACKOFF = Backoff.defaults().withMaxDelay(Duration.ofMillis(100));

    private final ProcessMonitor monitor;

    HealthGate(ProcessMonitor monitor) {
        this.monitor = monitor;
    }

    /**
     * Waits until {@code spec} is ready or fails.
     *
     * @param launchedAt when {@code pm2 start} returned: PM2 snapshots older than that say nothing
     * @param stop       a reason to stop waiting (another service failed, a signal), or empty
     * @throws TitanException with a message that names the service, the expectation and what was seen
     */
    void await(ServiceSpec spec, Instant launchedAt, Duration timeout, Supplier<Optional<String>> stop) {
        Supplier<Optional<String>> abort = () -> stop.get().or(() -> monitor.problem(spec.name(), launchedAt));
        Optional<HealthProbe> probe = ServiceHealth.probe(spec);
        ProbeWaitStrategy wait = Wait.forProbe(probe.orElseGet(() -> ServiceHealth.pm2Online(spec.name(),
                        () -> monitor.since(launchedAt).map(s -> s.processes().get(spec.name())))))
                .withStartupTimeout(timeout)
                .withBackoff(BACKOFF)
                .withAttemptTimeout(spec.healthTimeout())
                .withAbortCheck(abort);
        try {
            wait.waitUntilReady();
        } catch (HealthCheckTimeoutException e) {
            throw new ServiceFailure(spec.name() + " did not become healthy within " + Durations.format(timeout)
                    + " (" + e.target() + " " + e.lastObserved() + ")");
        } catch (HealthCheckFailedException e) {
            throw new ServiceFailure(spec.name() + " " + e.reason());
        } catch (HealthCheckException e) {
            throw new ServiceFailure(spec.name() + ": " + e.getMessage());
        }
    }
}
