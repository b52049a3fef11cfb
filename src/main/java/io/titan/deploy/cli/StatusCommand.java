package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2Process;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy status}: PM2's process table for the target, without environments. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the target's PM2 processes: name, status, pid, uptime, restarts, cpu, memory.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--json", description = "Print a JSON array, one object per process.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Topology t = topology.load();
        List<Pm2Process> processes = Target.of(t).pm2().getProcessList();
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (Pm2Process p : processes) {
                ObjectNode node = array.addObject();
                node.put("name", p.name());
                node.put("inTopology", t.services().containsKey(p.name()));
                node.put("status", p.status().pm2Name());
                node.put("pid", p.pid());
                node.put("uptimeMs", p.startedAt() == null ? 0 : Duration.between(p.startedAt(), now).toMillis());
                node.put("restarts", p.restarts());
                node.put("unstableRestarts", p.unstableRestarts());
                node.put("cpu", p.cpuPercent());
                node.put("memory", p.memoryBytes());
                node.put("version", p.version());
            }
            out.println(mapper.writeValueAsString(array));
        } else {
            out.printf("%-24s %-16s %8s %10s %8s %6s %9s%n", "NAME", "STATUS", "PID", "UPTIME", "RESTARTS", "CPU",
                    "MEMORY");
            for (Pm2Process p : processes) {
                out.printf("%-24s %-16s %8d %10s %8d %5.0f%% %8.1fM%n", p.name(), p.status().pm2Name(), p.pid(),
                        uptime(p, now), p.restarts(), p.cpuPercent(), p.memoryBytes() / 1048576.0);
            }
            if (processes.isEmpty()) {
                out.println("(no processes)");
            }
        }
        out.flush();
        return 0;
    }

    private static String uptime(Pm2Process p, Instant now) {
        if (p.startedAt() == null || p.pid() == 0) {
            return "-";
        }
        long s = Math.max(0, Duration.between(p.startedAt(), now).toSeconds());
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s / 3600 + "h" + (s % 3600) / 60 + "m";
    }
}
