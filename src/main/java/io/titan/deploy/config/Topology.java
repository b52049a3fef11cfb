package io.titan.deploy.config;

import io.titan.deploy.graph.DependencyGraph;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A validated topology: services (by name, sorted), PM2 settings, state dir and validation.
 *
 * @param source     where it was loaded from, for messages
 * @param file       the topology file, absolute, or null for the bundled topology
 * @param services   services by name
 * @param pm2        PM2 settings
 * @param stateDir   release records and lock, or null for {@code titan/} under PM2_HOME
 * @param validation validation section, or null
 * @param graph      the services' dependency graph
 */
public record Topology(
        String source,
        Path file,
        Map<String, ServiceSpec> services,
        Pm2Settings pm2,
        Path stateDir,
        ValidationSettings validation,
        DependencyGraph graph) {

    public Topology {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
    }

    /** The service of that name; IllegalArgumentException when there is none. */
    public ServiceSpec service(String name) {
        ServiceSpec spec = services.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown service: " + name);
        }
        return spec;
    }

    /** Services in deployment order. */
    public List<ServiceSpec> inOrder() {
        return graph.plan().order().stream().map(services::get).collect(Collectors.toList());
    }
}
