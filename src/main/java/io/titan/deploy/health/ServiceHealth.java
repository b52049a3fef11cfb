package io.titan.deploy.health;

import io.titan.deploy.config.HealthSpec;
import io.titan.deploy.config.ServiceSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** The health probe a topology service declares, shared by deploy, rollback and validation. */
public final class ServiceHealth {

    /**
     * Pauses between health checks of a service the engine has just started (or restored). The
     * health package's default grows to 1 s, so a service could sit healthy for up to a second
     * before its dependents start, on every level of the graph; a request every 50 ms to a service
     * starting up, usually on loopback, costs it nothing.
     */
    public static final Backoff STARTUP_BACKOFF = Backoff.defaults().withInitialDelay(Duration.ofMillis(20))
            .withMaxDelay(Duration.ofMillis(50));

    private ServiceHealth() {
    }

    /**
     * The probe that proves the processes {@code pids} of a service answer: for a cluster service
     * with an HTTP check, only answers those processes give count (their {@link HttpProbe#WORKER_HEADER}
     * says so), since old workers answer on the same port; otherwise its plain probe.
     */
    public static Optional<HealthProbe> workerProbe(ServiceSpec spec, Set<Long> pids) {
        if (spec.clusterMode() && spec.health() instanceof HealthSpec.Http && !pids.isEmpty()) {
            return spec.healthUrl().map(url -> new HttpProbe(url).answeredBy(pids));
        }
        return probe(spec);
    }

    /** The probe of a service's health definition, if it has one. */
    public static Optional<HealthProbe> probe(ServiceSpec spec) {
        if (spec.health() instanceof HealthSpec.Tcp tcp) {
            return Optional.of(new TcpProbe(tcp.host(), spec.port()));
        }
        return spec.healthUrl().map(HttpProbe::new);
    }
}
