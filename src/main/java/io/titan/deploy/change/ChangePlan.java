package io.titan.deploy.change;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * The plan as {@code plan --diff} prints it: one line per service and orphan,
     * {@code titan-brain              restart    code; env LOG_LEVEL}.
     */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (ServiceChange c : all()) {
            out.append(String.format("  %-24s %-10s %s", c.name(), c.action().word(), String.join("; ", c.reasons()))
                    .stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** The plan as {@code plan --diff --json} prints it: {@code {"services":[{name, action, reasons}], "orphans":[...]}}. */
    public ObjectNode json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.set("services", json(mapper, services));
        node.set("orphans", json(mapper, orphans));
        return node;
    }

    private static ArrayNode json(ObjectMapper mapper, List<ServiceChange> changes) {
        ArrayNode array = mapper.createArrayNode();
        for (ServiceChange c : changes) {
            ObjectNode item = array.addObject();
            item.put("name", c.name());
            item.put("action", c.action().word());
            item.set("reasons", mapper.valueToTree(c.reasons()));
        }
        return array;
    }

    private List<ServiceChange> all() {
        List<ServiceChange> all = new java.util.ArrayList<>(services);
        all.addAll(orphans);
        return all;
    }

    /** The services it leaves as they run, in plan order. */
    public List<String> unchanged() {
        return services.stream().filter(s -> s.action() == ServiceChange.Action.UNCHANGED).map(ServiceChange::name)
                .toList();
    }

    /** Services by name. */
    public Map<String, ServiceChange> byName() {
        return services.stream().collect(Collectors.toMap(ServiceChange::name, Function.identity()));
    }
}
