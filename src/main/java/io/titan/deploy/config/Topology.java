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
 * @param hosts      the machines, by name; one implicit {@link HostSpec#LOCAL} host without {@code hosts:}
 */
public record Topology(
        String source,
        Path file,
        Map<String, ServiceSpec> services,
        Pm2Settings pm2,
        Path stateDir,
        ValidationSettings validation,
        DependencyGraph graph,
        Map<String, HostSpec> hosts) {

    public Topology {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    }

    /**
     * The host of that name.
     *
     * @throws ConfigException exit 2 naming the hosts there are
     */
    public HostSpec host(String name) {
        HostSpec host = hosts.get(name);
        if (host == null) {
            throw new ConfigException("--host: " + name + " is not a host of " + source + " (hosts: "
                    + String.join(", ", hosts.keySet()) + ")");
        }
        return host;
    }

    /**
     * The host a command acts on: the one named, or the only one there is.
     *
     * @throws ConfigException exit 2 when none is named and there are several, or the name is unknown
     */
    public HostSpec hostOrOnly(String name) {
        if (name != null) {
            return host(name);
        }
        if (hosts.size() != 1) {
            throw new ConfigException("--host: " + source + " has " + hosts.size() + " hosts ("
                    + String.join(", ", hosts.keySet()) + "); name the one to act on");
        }
        return hosts.values().iterator().next();
    }

    /** The services that run on {@code host}, in deployment order. */
    public List<String> servicesOn(String host) {
        return graph.plan().order().stream().filter(name -> services.get(name).host().equals(host)).toList();
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
