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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy report}: renders an existing JSON report as HTML. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render a deploy or validate JSON report (from --report) as a self-contained HTML page.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The JSON report to render.")
    Path from;

    @Option(names = "--html", required = true, paramLabel = "FILE", description = "Where to write the HTML page.")
    Path html;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Report report;
        try {
            report = Reports.read(from);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new TitanException("--from: " + e.getMessage(), ExitCodes.BAD_INPUT, e);
        }
        HtmlReport.write(html, report);
        spec.commandLine().getOut().println("html report: " + html.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
