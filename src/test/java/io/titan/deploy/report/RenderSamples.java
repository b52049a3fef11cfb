package io.titan.deploy.report;

import java.nio.file.Path;

/** Writes the sample pages for eyeballing during development: {@code java ... RenderSamples DIR}. */
final class RenderSamples {
    private RenderSamples() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        HtmlReport.write(dir.resolve("success.html"), SampleReports.successfulDeploy());
        HtmlReport.write(dir.resolve("failed.html"), SampleReports.failedAndRolledBack());
        HtmlReport.write(dir.resolve("validate.html"), SampleReports.validation());
        HtmlReport.write(dir.resolve("status.html"), SampleReports.status(), PageStyle.LINKED);
        HtmlReport.write(dir.resolve("history.html"), SampleReports.history(), PageStyle.LINKED);
    }
}
