package io.titan.deploy.validate;

import io.titan.deploy.config.HealthSpec;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.config.ValidationSettings;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** What {@code titan-deploy validate} checks for a topology. */
public final class ValidationSpecs {

    private ValidationSpecs() {
    }

    /** Every service (by its health definition, else by PM2), plus the validation section's Redis and exchanges. */
    public static ValidationSpec of(Topology topology) {
        return of(topology, topology.inOrder().stream().map(ServiceSpec::name).toList());
    }

    /**
     * The services of one host (what its PM2 can vouch for), plus the validation section's Redis
     * and exchanges: the part of a release one host's {@code release finish} validates.
     */
    public static ValidationSpec of(Topology topology, String host) {
        return of(topology, topology.servicesOn(host));
    }

    private static ValidationSpec of(Topology topology, List<String> names) {
        List<ServiceCheckSpec> services = names.stream().map(topology::service).map(ValidationSpecs::service).toList();
        ValidationSettings settings = topology.validation();
        if (settings == null) {
            return new ValidationSpec(services, Optional.empty(), List.of(), ValidationTimeouts.DEFAULTS);
        }
        Optional<RedisCheckSpec> redis = Optional.ofNullable(settings.redis())
                .map(r -> new RedisCheckSpec(r.url(), r.channel(), r.setGetDel()));
        List<ExchangeCheckSpec> exchanges = settings.exchanges().stream()
                .map(e -> new ExchangeCheckSpec(e.name(), e.url(), e.subscribe(), e.expect(), e.required()))
                .toList();
        ValidationSettings.Timeouts t = settings.timeouts();
        return new ValidationSpec(services, redis, exchanges,
                new ValidationTimeouts(t.service(), t.redis(), t.websocket(), t.overall(), t.quick()));
    }

    private static ServiceCheckSpec service(ServiceSpec spec) {
        Optional<URI> url = spec.healthUrl();
        if (url.isPresent()) {
            return ServiceCheckSpec.http(spec.name(), url.get());
        }
        if (spec.health() instanceof HealthSpec.Tcp tcp) {
            return ServiceCheckSpec.tcp(spec.name(), tcp.host(), spec.port());
        }
        return ServiceCheckSpec.pm2(spec.name());
    }
}
