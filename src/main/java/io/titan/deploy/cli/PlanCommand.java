package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Option(names = "--json", description = "Print {\"levels\":[[...],...],\"order\":[...]}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Topology t = topology.load();
        Plan plan = t.graph().plan();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode();
            node.set("levels", mapper.valueToTree(plan.levels()));
            node.set("order", mapper.valueToTree(plan.order()));
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
}
