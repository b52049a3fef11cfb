package io.titan.deploy.cli;

import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.event.NdjsonEventWriter;
import io.titan.deploy.report.CheckKind;
import io.titan.deploy.report.CheckReport;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.DowntimeReport;
import io.titan.deploy.report.HtmlReport;
import io.titan.deploy.report.JunitXml;
import io.titan.deploy.report.Outcome;
import io.titan.deploy.report.OutputLineReport;
import io.titan.deploy.report.Report;
import io.titan.deploy.report.Reports;
import io.titan.deploy.report.RollbackReport;
import io.titan.deploy.report.ServiceReport;
import io.titan.deploy.report.ValidateReport;
import io.titan.deploy.validate.ValidationResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --report}, {@code --junit}, {@code --html}, {@code --html-inline}, {@code --events}: what a
 * run leaves behind; {@code --name}: what it is called there.
 */
final class OutputOptions {

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report to FILE.")
    Path report;

    @Option(names = "--junit", paramLabel = "FILE", description = "Write JUnit XML (one testcase per service or check).")
    Path junit;

    @Mixin
    HtmlOptions pages;

    @Option(names = "--events", paramLabel = "FILE", description = "Write the events as NDJSON while they happen.")
    Path events;

    /** The files this run writes, stylesheet included, and its {@code historyHtml} page (or null): never code to a deploy. */
    List<Path> files(Path historyHtml) {
        return written(report, junit, events, pages.html, pages.htmlInline, historyHtml);
    }

    /**
     * What a deploy given these files writes, absolute, with the stylesheet beside {@code html} and
     * {@code historyHtml}: the one list that {@code deploy} and {@code plan --diff} both leave out of
     * the code they fingerprint. Null entries were not asked for.
     */
    static List<Path> written(Path report, Path junit, Path events, Path html, Path htmlInline, Path historyHtml) {
        List<Path> files = new ArrayList<>();
        for (Path file : new Path[] {report, junit, events, html, htmlInline, historyHtml}) {
            if (file != null) {
                files.add(file.toAbsolutePath());
            }
        }
        // The linked pages (the report's and the history's) each write the stylesheet beside them.
        for (Path page : new Path[] {html, historyHtml}) {
            if (page != null && page.toAbsolutePath().getParent() != null) {
                files.add(page.toAbsolutePath().getParent().resolve(HtmlReport.STYLESHEET));
            }
        }
        return files;
    }

    @Option(names = "--name", paramLabel = "NAME",
            description = "Name this run in its JUnit XML (suite 'titan-deploy (NAME)' or 'titan-validate (NAME)') "
                    + "and in its HTML page's title, so that several runs in one Jenkins build stay apart.")
    String name;

    /** Starts the event file, if asked for; the returned sinks write the reports at the end. */
    Sinks open(EventBus bus) {
        return open(bus, null);
    }

    /** As {@link #open(EventBus)}, each event about a service naming the host it runs on in {@code topology}. */
    Sinks open(EventBus bus, io.titan.deploy.config.Topology topology) {
        NdjsonEventWriter writer = null;
        if (events != null) {
            writer = eventWriter(events, topology);
            bus.onAny(writer);
        }
        return new Sinks(writer);
    }

    /** Writes events to {@code file} as they happen (flushed per event), each naming its service's host. */
    static NdjsonEventWriter eventWriter(Path file, io.titan.deploy.config.Topology topology) {
        return new NdjsonEventWriter(file, service -> topology != null && topology.services().containsKey(service)
                ? topology.service(service).host() : null);
    }

    /** The report files of one run. */
    final class Sinks implements AutoCloseable {
        private final NdjsonEventWriter writer;

        private Sinks(NdjsonEventWriter writer) {
            this.writer = writer;
        }

        /** Writes the deployment's report files and returns its report. */
        DeployReport writeDeploy(DeploymentResult result, PrintWriter out) {
            DeployReport r = toReport(result);
            write(r, out);
            if (junit != null) {
                JunitXml.write(junit, r, name);
            }
            return r;
        }

        void writeValidate(ValidateReport r, PrintWriter out) {
            write(r, out);
            if (junit != null) {
                JunitXml.write(junit, r, name);
            }
        }

        private void write(Report r, PrintWriter out) {
            if (report != null) {
                Reports.write(report, r);
                out.println("report: " + report.toAbsolutePath());
            }
            pages.write((file, style) -> HtmlReport.write(file, r, style, name), out, "html report");
        }

        @Override
        public void close() {
            if (writer != null) {
                writer.close();
            }
        }
    }

    /** The JSON report of a deployment. */
    static DeployReport toReport(DeploymentResult result) {
        RollbackReport rollback = result.rollbackStartedAt() == null ? null
                : new RollbackReport(result.rollbackStartedAt(), result.rollbackFinishedAt(), result.rolledBack(),
                        result.rolledBack() ? "previous release restored" : result.error());
        List<ServiceReport> services = result.services().stream().map(OutputOptions::toReport).toList();
        return new DeployReport(result.success(), result.releaseId(), result.rolledBack(), result.error(),
                Outcome.from(result.success(), rollback), result.startedAt(), result.finishedAt(),
                result.duration().toMillis(), rollback, services);
    }

    /** The JSON report of a validation that started at {@code startedAt}. */
    static ValidateReport toReport(ValidationResult result, Instant startedAt) {
        List<CheckReport> checks = result.checks().stream()
                .map(c -> new CheckReport(c.name(), CheckKind.of(c.kind().jsonName()), c.target(), c.required(),
                        c.success(), c.durationMs(), c.message()))
                .toList();
        return new ValidateReport(result.success(), startedAt, result.durationMs(), checks);
    }

    private static ServiceReport toReport(ServiceOutcome s) {
        return new ServiceReport(s.name(), s.status(), s.level(), s.dependsOn(), s.startedAt(),
                s.readyAt(), s.duration().toMillis(), s.restarts(), s.message(), s.host(),
                s.output().stream().map(OutputLineReport::of).toList(), DowntimeReport.of(s.downtime()),
                DowntimeReport.of(s.restoreDowntime()));
    }
}
