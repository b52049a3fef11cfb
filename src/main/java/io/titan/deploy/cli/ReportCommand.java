package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.report.HtmlReport;
import io.titan.deploy.report.Report;
import io.titan.deploy.report.Reports;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy report}: renders an existing JSON report as HTML. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render a deploy or validate JSON report (from --report) as an HTML page: --html with its "
                + "stylesheet beside it (for Jenkins), --html-inline as one file (for e-mail), or both.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The JSON report to render.")
    Path from;

    @Mixin
    HtmlOptions pages;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!pages.any()) {
            throw new TitanException("--html or --html-inline: give at least one", ExitCodes.BAD_INPUT);
        }
        Report report;
        try {
            report = Reports.read(from);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new TitanException("--from: " + e.getMessage(), ExitCodes.BAD_INPUT, e);
        }
        pages.write((file, style) -> HtmlReport.write(file, report, style), spec.commandLine().getOut(), "html report");
        return 0;
    }
}
