package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.api.TitanDeploy;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.HostSpec;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.graph.Plan;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code titan-deploy plan}: the dependency levels and the deployment order; with {@code --host}, of
 * that host's services, without, of all of them, each saying its host.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Print the deployment plan: dependency levels and order (with --host, of that host's services; "
                + "without, of all, each with its host). Touches nothing.")
final class PlanCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--json", description = "Print {\"levels\":[[...],...],\"order\":[...],\"services\":[{\"name\","
            + "\"host\",\"dependsOn\",\"level\"}],\"hosts\":{name:{\"agent\",\"address\"}},\"validation\": whether "
            + "the topology has a validation section} (with --diff: "
            + "{\"services\":[{\"name\",\"action\",\"reasons\"}],\"orphans\":[...]}).")
    boolean json;

    @Option(names = "--diff", description = "Show what a deploy would do per service (start, restart and why, "
            + "unchanged, orphan) without touching PM2.")
    boolean diff;

    @Option(names = "--force", description = "With --diff: as deploy --force would.")
    boolean force;

    @Option(names = "--remove-orphans", description = "With --diff: as deploy --remove-orphans would.")
    boolean removeOrphans;

    @Mixin
    DeployOutputs outputs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        outputs.requireDiff(diff);
        Topology t = topology.load();
        Plan plan = t.graph().plan();
        PrintWriter out = spec.commandLine().getOut();
        // --host: that host's services only; without, all of them, each saying its host.
        String host = topology.host == null ? null : t.host(topology.host).name();
        if (diff) {
            printDiff(out, t);
        } else if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode();
            node.set("levels", mapper.valueToTree(plan.levels().stream().map(level -> on(t, host, level)).toList()));
            node.set("order", mapper.valueToTree(on(t, host, plan.order())));
            node.set("services", servicesJson(mapper, t, plan, host));
            node.set("hosts", hostsJson(mapper, t, host));
            node.put("validation", t.validation() != null);
            out.println(mapper.writeValueAsString(node));
        } else {
            printPlan(out, t, plan, host);
        }
        out.flush();
        return 0;
    }

    /** The services of {@code names} on {@code host}, in their order; all of them without a host. */
    private static List<String> on(Topology t, String host, List<String> names) {
        return names.stream().filter(name -> host == null || t.service(name).host().equals(host)).toList();
    }

    private static void printPlan(PrintWriter out, Topology t, Plan plan, String host) {
        boolean hosts = t.hosts().size() > 1;
        List<String> order = on(t, host, plan.order());
        out.println("Plan for " + t.source() + (host == null || !hosts ? "" : " on host " + host) + " ("
                + (host == null || !hosts ? order.size() + " services" + (hosts ? " on " + t.hosts().size() + " hosts" : "")
                : order.size() + " of " + plan.order().size() + " services") + ")");
        List<List<String>> levels = plan.levels();
        for (int i = 0; i < levels.size(); i++) {
            List<String> level = on(t, host, levels.get(i));
            if (!level.isEmpty()) {
                out.println("  level " + i + ": " + level.stream()
                        .map(name -> hosts && host == null ? name + " (" + t.service(name).host() + ")" : name)
                        .collect(Collectors.joining(", ")));
            }
        }
        out.println("  order:   " + String.join(" -> ", order));
        if (!hosts) {
            return;
        }
        if (host == null) {
            for (HostSpec h : t.hosts().values()) {
                out.println("  host " + h.name() + " (agent " + h.agent() + ", " + h.address() + "): "
                        + String.join(", ", t.servicesOn(h.name())));
            }
            return;
        }
        for (String name : order) {
            List<String> elsewhere = t.service(name).dependsOn().stream()
                    .filter(d -> !t.service(d).host().equals(host))
                    .map(d -> d + " on host " + t.service(d).host()).toList();
            if (!elsewhere.isEmpty()) {
                out.println("  " + name + " waits for " + String.join(", ", elsewhere));
            }
        }
    }

    private void printDiff(PrintWriter out, Topology t) throws Exception {
        List<Target> targets = Target.scopeOwnPm2(t, topology.host, "plan --diff");
        Map<String, ChangePlan> plans = new LinkedHashMap<>();
        // As the deploy with these options would see it: the same fingerprint setup, outputs left out.
        DeployOptions options = DeployOptions.defaults().withForce(force).withRemoveOrphans(removeOrphans)
                .withOutputs(outputs.files());
        for (Target target : targets) {
            plans.put(target.host(), TitanDeploy.forTopology(t).host(target.host()).build().preview(options));
        }
        if (targets.size() == 1) {
            ChangePlan changes = plans.values().iterator().next();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(changes.json()));
                return;
            }
            out.println("What a deploy of " + t.source() + (t.hosts().size() > 1 ? " on host " + targets.get(0).host()
                    : "") + " would do:");
            out.print(changes.text());
            return;
        }
        if (json) {
            // One plan of every host: each service and orphan says its host.
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode all = mapper.createObjectNode();
            ArrayNode services = all.putArray("services");
            ArrayNode orphans = all.putArray("orphans");
            plans.forEach((host, changes) -> {
                ObjectNode json = changes.json();
                json.withArray("services").forEach(item -> services.add(((ObjectNode) item).put("host", host)));
                json.withArray("orphans").forEach(item -> orphans.add(((ObjectNode) item).put("host", host)));
            });
            out.println(mapper.writeValueAsString(all));
            return;
        }
        out.println("What a deploy of " + t.source() + " would do, host by host:");
        plans.forEach((host, changes) -> {
            out.println("host " + host + " (" + t.host(host).address() + "):");
            out.print(changes.text());
        });
    }

    /** Each service in deployment order with what a scheduler needs: its host, its dependencies, its level. */
    private static ArrayNode servicesJson(ObjectMapper mapper, Topology t, Plan plan, String host) {
        ArrayNode array = mapper.createArrayNode();
        List<List<String>> levels = plan.levels();
        for (int level = 0; level < levels.size(); level++) {
            for (String name : on(t, host, levels.get(level))) {
                ServiceSpec service = t.services().get(name);
                ObjectNode item = array.addObject();
                item.put("name", name);
                item.put("host", service.host());
                item.set("dependsOn", mapper.valueToTree(service.dependsOn()));
                item.put("level", level);
            }
        }
        return array;
    }

    /** Each host by name: the Jenkins agent label that runs there (null for the implicit local host) and its address. */
    private static ObjectNode hostsJson(ObjectMapper mapper, Topology t, String only) {
        ObjectNode hosts = mapper.createObjectNode();
        for (HostSpec host : t.hosts().values()) {
            if (only != null && !only.equals(host.name())) {
                continue;
            }
            ObjectNode item = hosts.putObject(host.name());
            item.put("agent", host.agent());
            item.put("address", host.address());
        }
        return hosts;
    }
}
