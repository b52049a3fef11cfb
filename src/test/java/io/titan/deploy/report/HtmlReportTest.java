package io.titan.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the page must be whatever the browser: these need no Chromium. */
class HtmlReportTest {

    @TempDir
    Path dir;

    @Test
    void pageIsSelfContainedWithoutScriptsOrNetworkReferences() {
        for (String html : List.of(HtmlReport.render(SampleReports.successfulDeploy()),
                HtmlReport.render(SampleReports.failedAndRolledBack()), HtmlReport.render(SampleReports.validation()))) {
            assertThat(html).startsWith("<!DOCTYPE html>")
                    .doesNotContainIgnoringCase("<script")
                    .doesNotContainIgnoringCase("<link")
                    .doesNotContainIgnoringCase("<img")
                    .doesNotContainIgnoringCase("@import")
                    .doesNotContain("src=")
                    .doesNotContainPattern("url\\((?!#)")
                    .doesNotContainPattern("href=\"(?!#)")
                    .contains("@media print");
        }
    }

    @Test
    void bannerNamesEachOutcomeInWordsAndWithItsOwnIcon() {
        DeployReport failed = SampleReports.failedAndRolledBack();
        DeployReport rollbackFailed = new DeployReport(false, "r2", false, "boom", Outcome.ROLLBACK_FAILED,
                failed.startedAt(), failed.finishedAt(), 1, new RollbackReport(failed.rollback().startedAt(),
                failed.rollback().finishedAt(), false, "titan-shared v2.7.3 did not start"), failed.services());
        DeployReport noRollback = new DeployReport(false, "r3", false, "boom", Outcome.FAILED,
                failed.startedAt(), failed.finishedAt(), 1, null, failed.services());

        assertThat(HtmlReport.render(SampleReports.successfulDeploy()))
                .contains("Deployment succeeded").contains("<use href=\"#i-deployed\"/>");
        assertThat(HtmlReport.render(failed)).contains("Deployment failed \u2014 rolled back")
                .contains("<use href=\"#i-rolled-back\"/>").contains("class=\"rollback\"");
        assertThat(HtmlReport.render(rollbackFailed)).contains("rollback FAILED").contains("Manual action needed")
                .contains("<use href=\"#i-alert\"/>");
        assertThat(HtmlReport.render(noRollback)).contains("Deployment failed \u2014 not rolled back")
                .doesNotContain("class=\"rollback\"");
    }

    @Test
    void timelineOrdersRowsByLevelThenStart() {
        assertThat(TimelineSvg.ordered(SampleReports.successfulDeploy().services()))
                .extracting(ServiceReport::name)
                .containsExactly("titan-shared", "titan-security", "titan-brain", "titan-execution", "titan-console",
                        "titan-phase1-scavenger", "titan-ai-quant");
    }

    @Test
    void everyPieceOfReportTextIsEscapedIncludingInsideSvg() {
        String html = HtmlReport.render(HostileReports.deploy());

        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("onerror=\"")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .containsPattern("<text class=\"name\"[^>]*>&lt;script&gt;alert\\(1\\)&lt;/script&gt;</text>")
                .containsPattern("<title>[^<]*&lt;/title&gt;&lt;script&gt;alert\\(5\\)")
                .contains("Tom &amp; Jerry&#39;s &quot;quoted&quot;");
    }

    @Test
    void passwordsInUrlsAreMasked() {
        String html = HtmlReport.render(new ValidateReport(false, SampleReports.T0, 5, List.of(new CheckReport("redis",
                CheckKind.REDIS, "redis://admin:hunter2@10.0.0.5:6379/0", true, false, 5,
                "cannot connect to rediss://:s3cr3t@cache:6380 (token=abc123)"))));

        assertThat(html).doesNotContain("hunter2").doesNotContain("s3cr3t").doesNotContain("abc123")
                .contains("redis://admin:***@10.0.0.5:6379/0").contains("rediss://:***@cache:6380")
                .contains("token=***");
    }

    @Test
    void writeProducesAReadableFileAndDispatchesOnReportType() throws Exception {
        Path file = dir.resolve("out/report.html");
        HtmlReport.write(file, (Report) SampleReports.validation());

        assertThat(Files.readString(file)).contains("Validation failed").contains("bybit")
                .contains("Validation report");
        assertThat(Files.getPosixFilePermissions(file).toString()).contains("OTHERS_READ");
    }

    @Test
    void validationWithOnlyAnOptionalFailurePassesWithAWarning() {
        ValidateReport sample = SampleReports.validation();
        ValidateReport report = new ValidateReport(true, sample.startedAt(), 10,
                sample.checks().stream().filter(c -> !c.name().equals("titan-brain")).toList());

        assertThat(HtmlReport.render(report)).contains("Validation passed with 1 warning")
                .contains("<use href=\"#i-warning\"/>").contains(">warning</span>");
    }
}
