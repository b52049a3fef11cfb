package io.titan.deploy.validate;

import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.HttpProbe;
import io.titan.deploy.health.TcpProbe;
import java.net.URI;

/**
 * One service to check: by its health probe, or by PM2 status when it has no health definition.
 *
 * @param name  the PM2 process / service name, e.g. {@code titan-brain}
 * @param probe the health definition, run once with the service timeout; {@code null} means ask PM2
 *              (online, and no restart within the last minute)
 */
public record ServiceCheckSpec(String name, HealthProbe probe) {

    /** Rejects a blank name. */
    public ServiceCheckSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("services[].name must not be blank");
        }
    }

    /** A service checked by one {@code GET url}, healthy on 2xx: the probe deploys use too. */
    public static ServiceCheckSpec http(String name, URI url) {
        return new ServiceCheckSpec(name, new HttpProbe(url));
    }

    /** A service checked by one TCP connect to {@code host:port}. */
    public static ServiceCheckSpec tcp(String name, String host, int port) {
        return new ServiceCheckSpec(name, new TcpProbe(host, port));
    }

    /** A service with no health definition, checked through PM2. */
    public static ServiceCheckSpec pm2(String name) {
        return new ServiceCheckSpec(name, null);
    }

    /**
     * How this service is checked: {@code PM2} without a probe; {@code TCP} for TCP probes (any whose
     * {@link HealthProbe#target()} starts with {@code tcp }); {@code HTTP} otherwise.
     */
    public CheckResult.Kind kind() {
        if (probe == null) {
            return CheckResult.Kind.PM2;
        }
        if (probe instanceof TcpProbe || probe.target().startsWith("tcp ")) {
            return CheckResult.Kind.TCP;
        }
        return CheckResult.Kind.HTTP;
    }
}
