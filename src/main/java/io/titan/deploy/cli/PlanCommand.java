package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.HostSpec;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.graph.Plan;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code titan-deploy plan}: the dependency levels and the deployment order. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Print the deployment plan: dependency levels and order. Touches nothing.")
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Topology t = topology.load();
        Plan plan = t.graph().plan();
        PrintWriter out = spec.commandLine().getOut();
        if (diff) {
            printDiff(out, t);
        } else if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode();
            node.set("levels", mapper.valueToTree(plan.levels()));
            node.set("order", mapper.valueToTree(plan.order()));
            node.set("services", servicesJson(mapper, t, plan));
            node.set("hosts", hostsJson(mapper, t));
            node.put("validation", t.validation() != null);
            out.println(mapper.writeValueAsString(node));
        } else {
            out.println("Plan for " + t.source() + " (" + plan.order().size() + " services)");
            List<List<String>> levels = plan.levels();
            for (int i = 0; i < levels.size(); i++) {
                out.println("  level " + i + ": " + String.join(", ", levels.get(i)));
            }
            out.println("  order:   " + String.join(" -> ", plan.order()));
        }
        out.flush();
        return 0;
    }

    private void printDiff(PrintWriter out, Topology t) throws Exception {
        ChangePlan changes = DeployPreview.of(t, topology.host, System.getenv(), force, removeOrphans);
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(changes.json()));
            return;
        }
        out.println("What a deploy of " + t.source() + " would do:");
        out.print(changes.text());
    }

    /** Each service in deployment order with what a scheduler needs: its host, its dependencies, its level. */
    private static ArrayNode servicesJson(ObjectMapper mapper, Topology t, Plan plan) {
        ArrayNode array = mapper.createArrayNode();
        List<List<String>> levels = plan.levels();
        for (int level = 0; level < levels.size(); level++) {
            for (String name : levels.get(level)) {
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
    private static ObjectNode hostsJson(ObjectMapper mapper, Topology t) {
        ObjectNode hosts = mapper.createObjectNode();
        for (HostSpec host : t.hosts().values()) {
            ObjectNode item = hosts.putObject(host.name());
            item.put("agent", host.agent());
            item.put("address", host.address());
        }
        return hosts;
    }
}
