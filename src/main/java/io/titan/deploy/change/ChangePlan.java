package io.titan.deploy.change;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a deploy will do, per service in plan order, plus the orphans: services a release deployed
 * that still run but are no longer in the topology.
 */
public record ChangePlan(List<ServiceChange> services, List<ServiceChange> orphans) {

    public ChangePlan {
        services = List.copyOf(services);
        orphans = List.copyOf(orphans);
    }

    /** The change of a service of the topology. */
    public Optional<ServiceChange> of(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Services by name. */
    public Map<String, ServiceChange> byName() {
        return services.stream().collect(Collectors.toMap(ServiceChange::name, Function.identity()));
    }
}
