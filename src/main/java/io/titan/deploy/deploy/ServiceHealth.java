package io.titan.deploy.deploy;

import io.titan.deploy.config.HealthSpec;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.HttpProbe;
import io.titan.deploy.health.TcpProbe;
import java.net.URI;
import java.util.Optional;

/** The health probe a topology service declares, shared by deploy, rollback and validation. */
public final class ServiceHealth {

    private ServiceHealth() {
    }

    /** The URL of an HTTP health check: {@code http://127.0.0.1:3000/health}. */
    public static Optional<URI> httpUrl(ServiceSpec spec) {
        if (spec.health() instanceof HealthSpec.Http http) {
            return Optional.of(URI.create("http://" + http.host() + ":" + spec.port() + http.path()));
        }
        return Optional.empty();
    }

    /** The probe of a service's health definition, if it has one. */
    public static Optional<HealthProbe> probe(ServiceSpec spec) {
        if (spec.health() instanceof HealthSpec.Tcp tcp) {
            return Optional.of(new TcpProbe(tcp.host(), spec.port()));
        }
        return httpUrl(spec).map(HttpProbe::new);
    }
}
