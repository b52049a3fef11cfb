package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.config.Topology;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy history}: the target's release records, newest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List the target's releases (newest first): id, time, result, services, versions.")
final class HistoryCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Topology t = topology.load();
        List<ReleaseRecord> records = new ReleaseStore(Target.of(t).stateDir()).list();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (ReleaseRecord r : records) {
                ObjectNode node = array.addObject();
                node.put("id", r.id());
                node.put("startedAt", r.startedAt());
                node.put("finishedAt", r.finishedAt());
                node.put("result", result(r));
                node.set("services", mapper.valueToTree(r.services()));
                node.set("versions", mapper.valueToTree(r.versions()));
                node.put("error", r.error());
            }
            out.println(mapper.writeValueAsString(array));
        } else {
            out.printf("%-22s %-24s %-16s %s%n", "RELEASE", "STARTED", "RESULT", "SERVICES (VERSION)");
            for (ReleaseRecord r : records) {
                String services = r.services().stream()
                        .map(s -> r.versions().containsKey(s) ? s + "@" + r.versions().get(s) : s)
                        .collect(Collectors.joining(", "));
                out.printf("%-22s %-24s %-16s %s%n", r.id(), r.startedAt().replaceAll("\\.\\d+Z$", "Z"), result(r), services);
            }
            if (records.isEmpty()) {
                out.println("(no releases yet)");
            }
        }
        out.flush();
        return 0;
    }

    private static String result(ReleaseRecord r) {
        return r.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
