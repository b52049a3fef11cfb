package io.titan.deploy.cli;

import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.report.HtmlReport;
import io.titan.deploy.report.JunitXml;
import io.titan.deploy.report.ProcessReport;
import io.titan.deploy.report.Reports;
import io.titan.deploy.report.StatusReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy status}: PM2's process table for the target, without environments, with a row
 * for each topology service PM2 does not know. With {@code --host}, that host's PM2 and services only;
 * without, every host of the topology, host by host. It only looks: the exit code is 0 whatever it shows.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the target's PM2 processes (name, status, pid, uptime, restarts, cpu, memory, the release "
                + "that started each) and the topology services PM2 does not know; with --host, that host's only, "
                + "without, every host's, host by host. Exit 0 whatever they show; --junit makes one testcase per "
                + "topology service, failing when it is not online.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--json", description = "Print a JSON array, one object per process (and per topology service "
            + "PM2 does not know), instead of the table.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE", description = "Write that JSON array to FILE.")
    Path report;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Write JUnit XML: one testcase per topology service, failing when it is not online.")
    Path junit;

    @Mixin
    HtmlOptions pages;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Topology t = topology.load();
        List<Target> targets = Target.scopeOwnPm2(t, topology.host, "status");
        Map<String, Pm2Snapshot> snapshots = new LinkedHashMap<>();
        targets.forEach(target -> snapshots.put(target.host(), target.pm2().snapshot()));
        StatusReport status = report(t, snapshots, Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Reports.toJsonLine(status));
        } else {
            printTable(out, t, status, targets.size() > 1);
        }
        // With --json, stdout stays one JSON line: where the files went is said on stderr.
        PrintWriter notes = json ? spec.commandLine().getErr() : out;
        if (report != null) {
            Reports.write(report, status);
            notes.println("report: " + report.toAbsolutePath());
        }
        if (junit != null) {
            JunitXml.write(junit, status);
            notes.println("junit: " + junit.toAbsolutePath());
        }
        pages.write((file, style) -> HtmlReport.write(file, status, style), notes, "html report");
        out.flush();
        return 0;
    }

    /**
     * Each host's PM2 against its part of the topology, host by host in the topology's order: its
     * services first, in deployment order (a missing one as a {@link ProcessReport#missing} row), then
     * the apps its PM2 runs that are not its services.
     */
    static StatusReport report(Topology t, Map<String, Pm2Snapshot> snapshots, Instant now) {
        List<ProcessReport> rows = new ArrayList<>();
        snapshots.forEach((host, snapshot) -> {
            List<String> services = t.servicesOn(host);
            for (String name : services) {
                List<Pm2Process> of = snapshot.processes().stream().filter(p -> p.name().equals(name)).toList();
                if (of.isEmpty()) {
                    rows.add(ProcessReport.missing(name, host));
                }
                of.forEach(p -> rows.add(row(p, true, host, snapshot, now)));
            }
            snapshot.processes().stream().filter(p -> !services.contains(p.name()))
                    .forEach(p -> rows.add(row(p, false, host, snapshot, now)));
        });
        return new StatusReport(t.source(), now, rows);
    }

    private static ProcessReport row(Pm2Process p, boolean inTopology, String host, Pm2Snapshot snapshot, Instant now) {
        long uptime = p.startedAt() == null ? 0 : Math.max(0, Duration.between(p.startedAt(), now).toMillis());
        String release = Optional.ofNullable(snapshot.definitions().get(p.name())).map(d -> d.app().releaseId())
                .orElse(null);
        return new ProcessReport(p.name(), inTopology, true, p.status().pm2Name(), p.pid(), uptime, p.restarts(),
                p.unstableRestarts(), p.cpuPercent(), p.memoryBytes(), p.version(), host, release);
    }

    /** The table; with several hosts, one after another, each under a line naming the host and its address. */
    private static void printTable(PrintWriter out, Topology t, StatusReport status, boolean hosts) {
        String format = "%-24s %-16s %8s %10s %8s %6s %9s  %s%n";
        String header = String.format(format, "NAME", "STATUS", "PID", "UPTIME", "RESTARTS", "CPU", "MEMORY",
                "RELEASE");
        if (!hosts) {
            out.print(header);
        }
        String host = null;
        for (ProcessReport p : status.processes()) {
            if (hosts && !Objects.equals(p.host(), host)) {
                out.println((host == null ? "" : "\n") + "host " + p.host() + " (" + t.host(p.host()).address() + "):");
                host = p.host();
                out.print(header);
            }
            if (!p.inPm2()) {
                out.printf(format, p.name(), "not in PM2", "-", "-", "-", "-", "-", "-");
                continue;
            }
            out.printf(Locale.ROOT, "%-24s %-16s %8d %10s %8d %5.0f%% %8.1fM  %s%n", p.name(), p.status(), p.pid(),
                    uptime(p), p.restarts(), p.cpu(), p.memory() / 1048576.0, p.releaseId() == null ? "-" : p.releaseId());
        }
        if (status.processes().isEmpty()) {
            out.println("(no processes)");
        }
        status.down().forEach((name, problem) -> out.println("not online: " + name + " is " + problem));
    }

    private static String uptime(ProcessReport p) {
        if (p.pid() == 0) {
            return "-";
        }
        long s = p.uptimeMs() / 1000;
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s / 3600 + "h" + (s % 3600) / 60 + "m";
    }
}
