package io.titan.deploy.deploy;

import io.titan.deploy.config.HealthSpec;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.health.Backoff;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.HttpProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.health.TcpProbe;
import io.titan.deploy.pm2.Pm2Process;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

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

    /** The probe of a service's health definition, if it has one. */
    public static Optional<HealthProbe> probe(ServiceSpec spec) {
        if (spec.health() instanceof HealthSpec.Tcp tcp) {
            return Optional.of(new TcpProbe(tcp.host(), spec.port()));
        }
        return spec.healthUrl().map(HttpProbe::new);
    }

    /**
     * For a service without a health definition: healthy once PM2 lists it online with a pid.
     *
     * @param process the service's PM2 entry as it is now, or empty when PM2 does not list it (yet)
     */
    public static HealthProbe pm2Online(String name, Supplier<Optional<Pm2Process>> process) {
        return new Pm2Online(name, process);
    }

    private record Pm2Online(String name, Supplier<Optional<Pm2Process>> process) implements HealthProbe {
        @Override
        public ProbeResult probe(Duration timeout) {
            return process.get()
                    .map(p -> p.isOnline()
                            ? ProbeResult.healthy("online, pid " + p.pid())
                            : ProbeResult.unhealthy("PM2 status " + p.status().pm2Name()))
                    .orElse(ProbeResult.unhealthy("not listed by PM2"));
        }

        @Override
        public String target() {
            return "pm2 status of " + name;
        }
    }
}
