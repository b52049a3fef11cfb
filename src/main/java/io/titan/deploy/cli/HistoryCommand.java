package io.titan.deploy.cli;

import io.titan.deploy.api.TitanDeploy;
import io.titan.deploy.config.Topology;
import io.titan.deploy.report.HistoryReport;
import io.titan.deploy.report.HtmlReport;
import io.titan.deploy.report.Reports;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy history}: the target's releases, newest first, with each service's result. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List the target's releases (newest first): id, time, result, services, versions; with --html, "
                + "a grid of each service's result and time to healthy across the releases. Without --host, a "
                + "topology with several hosts shows every host's releases, each release once with its hosts.")
final class HistoryCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--json", description = "Print a JSON array, one object per release (newest first) with each "
            + "service's result.")
    boolean json;

    @Mixin
    HtmlOptions pages;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Topology t = topology.load();
        List<Target> targets = Target.scope(t, topology.host);
        // Any of the hosts' engines reads them all: each host's records are in its own state dir.
        HistoryReport history = TitanDeploy.forTopology(t).host(targets.get(0).host()).build()
                .history(targets.stream().map(Target::host).toList());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Reports.toJsonLine(history));
        } else {
            printTable(out, history, targets.size() > 1);
        }
        // With --json, stdout stays one JSON line: where the page went is said on stderr.
        pages.write((file, style) -> HtmlReport.write(file, history, style), json ? spec.commandLine().getErr() : out,
                "history page");
        out.flush();
        return 0;
    }

    /** One line per release; with several hosts, a column says on which, and how it ended where that differs. */
    private static void printTable(PrintWriter out, HistoryReport history, boolean hosts) {
        int width = Math.max(22, history.releases().stream().mapToInt(r -> r.id().length()).max()
                .orElse(0));
        String format = "%-" + width + "s %-24s %-16s " + (hosts ? "%-24s " : "%s") + "%s%n";
        out.printf(format, "RELEASE", "STARTED", "RESULT", hosts ? "HOSTS" : "", "SERVICES (VERSION)");
        for (HistoryReport.Release r : history.releases()) {
            String services = r.services().stream()
                    .map(s -> r.versions().containsKey(s) ? s + "@" + r.versions().get(s) : s)
                    .collect(Collectors.joining(", "));
            boolean differ = r.hosts().stream().map(HistoryReport.HostResult::result).distinct().count() > 1;
            String on = r.hosts().stream().map(h -> differ ? h.host() + " (" + h.result() + ")" : h.host())
                    .collect(Collectors.joining(", "));
            out.printf(format, r.id(), r.startedAt().toString().replaceAll("\\.\\d+Z$", "Z"), r.result(),
                    hosts ? on : "", services);
        }
        if (history.releases().isEmpty()) {
            out.println("(no releases yet)");
        }
    }
}
