package io.titan.deploy.cli;

import io.titan.deploy.config.Topology;
import io.titan.deploy.report.HistoryReport;
import io.titan.deploy.report.HtmlReport;
import io.titan.deploy.report.Reports;
import java.io.PrintWriter;
import java.time.Instant;
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
                + "a grid of each service's result and time to healthy across the releases.")
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
        HistoryReport history = ReleaseHistory.read(t, Target.of(t, topology.host), Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Reports.toJsonLine(history));
        } else {
            out.printf("%-22s %-24s %-16s %s%n", "RELEASE", "STARTED", "RESULT", "SERVICES (VERSION)");
            for (HistoryReport.Release r : history.releases()) {
                String services = r.services().stream()
                        .map(s -> r.versions().containsKey(s) ? s + "@" + r.versions().get(s) : s)
                        .collect(Collectors.joining(", "));
                out.printf("%-22s %-24s %-16s %s%n", r.id(), r.startedAt().toString().replaceAll("\\.\\d+Z$", "Z"),
                        r.result(), services);
            }
            if (history.releases().isEmpty()) {
                out.println("(no releases yet)");
            }
        }
        // With --json, stdout stays one JSON line: where the page went is said on stderr.
        pages.write((file, style) -> HtmlReport.write(file, history, style), json ? spec.commandLine().getErr() : out,
                "history page");
        out.flush();
        return 0;
    }
}
