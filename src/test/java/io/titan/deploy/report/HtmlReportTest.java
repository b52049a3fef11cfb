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
    void linkedPagesCarryNoInlineStyleScriptOrDataUriAndLinkOnlyTheirStylesheet() {
        for (String html : everyKindOfPage(PageStyle.LINKED)) {
            HtmlReportCspTest.assertNothingTheCspDrops(html);
        }
    }

    @Test
    void inlinePagesAreOneFileWithTheSameStylesheetInside() {
        for (String html : everyKindOfPage(PageStyle.INLINE)) {
            assertThat(html).contains("<style>\n" + HtmlPage.stylesheet() + "</style>")
                    .doesNotContainIgnoringCase("<link")
                    .doesNotContainIgnoringCase("<script")
                    .doesNotContainPattern("\\sstyle=")
                    .doesNotContainPattern("href=\"(?!#)");
        }
        assertThat(HtmlPage.stylesheet()).contains("@media print").doesNotContain("url(").doesNotContain("@import");
    }

    @Test
    void linkedWriteLeavesTheStylesheetBesideThePageAndInlineWriteDoesNot() throws Exception {
        Path linked = dir.resolve("jenkins/deploy.html");
        Path inline = dir.resolve("mail/deploy.html");
        HtmlReport.write(linked, SampleReports.successfulDeploy(), PageStyle.LINKED);
        HtmlReport.write(inline, SampleReports.successfulDeploy(), PageStyle.INLINE);

        assertThat(dir.resolve("jenkins/titan-report.css")).hasContent(HtmlPage.stylesheet());
        assertThat(Files.getPosixFilePermissions(dir.resolve("jenkins/titan-report.css")).toString())
                .contains("OTHERS_READ");
        try (var files = Files.list(dir.resolve("mail"))) {
            assertThat(files).containsExactly(inline);
        }
    }

    @Test
    void aFailedServiceShowsItsLastLinesInARowUnderItsOwnEscaped() {
        String html = HtmlReport.render(SampleReports.failedAndRolledBack(), PageStyle.LINKED);
        String hostile = HtmlReport.render(HostileReports.deploy(), PageStyle.LINKED);

        assertThat(html).containsOnlyOnce("<tr class=\"output-row status-failed\">")
                .contains("<p class=\"output-title\">last 6 lines of titan-brain&#39;s output (UTC)</p>")
                .contains("<span class=\"line err\"><span class=\"stream\">err</span> "
                        + "<time datetime=\"2026-11-26T03:12:09.612Z\">03:12:09.612</time> "
                        + "Error: connect ECONNREFUSED 127.0.0.1:6380 (risk-engine replica)</span>");
        assertThat(html.indexOf("output-row")).isGreaterThan(html.indexOf("<th scope=\"row\" class=\"name\">titan-brain"))
                .isLessThan(html.indexOf("<th scope=\"row\" class=\"name\">titan-execution"));
        assertThat(hostile).contains("&lt;/pre&gt;&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(9)&lt;/script&gt;")
                .doesNotContain("<script>alert(9)").doesNotContain("\u0000").doesNotContain("\ud800");
    }

    @Test
    void aNamedRunCarriesItsNameInTheTitleAndHeader() {
        String deploy = HtmlReport.render(SampleReports.successfulDeploy(), PageStyle.LINKED, "prod-a");
        String validate = HtmlReport.render(SampleReports.validation(), PageStyle.LINKED, "<b>x</b>");
        String unnamed = HtmlReport.render(SampleReports.successfulDeploy(), PageStyle.LINKED);

        assertThat(deploy).containsPattern("<title>Titan deploy \\(prod-a\\) \\S+: ")
                .contains("<span class=\"kind\">Deployment report (prod-a)</span>");
        assertThat(validate).contains("<title>Titan validation (&lt;b&gt;x&lt;/b&gt;): ")
                .contains("Validation report (&lt;b&gt;x&lt;/b&gt;)").doesNotContain("<b>x</b>");
        assertThat(unnamed).containsPattern("<title>Titan deploy [^ (]+: ")
                .contains("<span class=\"kind\">Deployment report</span>");
    }

    @Test
    void historyIsAGridOfServicesByReleaseOldestFirstEachCellInWords() {
        HistoryReport history = SampleReports.history();
        String html = HtmlReport.render(history, PageStyle.LINKED);

        assertThat(html).contains("Latest release 20261126T031204Z-9c1e: rolled back");
        java.util.regex.Matcher ids = java.util.regex.Pattern.compile("<span class=\"id\">([^<]+)</span>").matcher(html);
        List<String> columns = new java.util.ArrayList<>();
        while (ids.find()) {
            columns.add(ids.group(1));
        }
        assertThat(columns).containsExactly("20261120T031204Z-1a2b", "20261123T031204Z-51d2", "20261124T031204Z-0b3f",
                "20261125T031204Z-77aa", "20261126T031204Z-9c1e");
        assertThat(html.split("<td class=\"cell ", -1)).hasSize(1 + 7 * 5);
        assertThat(html.split("cell-unknown\"><span class=\"word\">no report</span>", -1)).hasSize(1 + 7);
        assertThat(html).containsOnlyOnce("running now")
                .contains("<td class=\"cell cell-failed\"><span class=\"word\">")
                .contains("failed</span><span class=\"time\">gave up after 30 s</span>")
                .contains("unchanged</span><span class=\"time\">left running</span>")
                .contains("deployed</span><span class=\"time\">healthy in 3.4 s \u00b7 1 restart</span>")
                .contains("deployed</span><span class=\"time\">healthy in 3.1 s</span>")
                .contains("Releases that failed or were rolled back").contains("rolled back by hand");
    }

    @Test
    void statusPageNamesEveryTopologyServiceThatIsNotOnlineAndWhy() {
        String html = HtmlReport.render(SampleReports.status(), PageStyle.LINKED);

        assertThat(html).contains("2 of 7 topology services not online")
                .contains("titan-ai-quant: not in PM2: never started on this target, or deleted; "
                        + "titan-console: stopped in PM2 after 3 restarts")
                .contains("<tr class=\"state-missing\"><th scope=\"row\" class=\"name\">titan-ai-quant</th>")
                .contains("<tr class=\"state-down\"><th scope=\"row\" class=\"name\">titan-console</th>")
                .contains("<tr class=\"state-stranger\"><th scope=\"row\" class=\"name\">legacy-feed</th>");
    }

    private static List<String> everyKindOfPage(PageStyle style) {
        return List.of(HtmlReport.render(SampleReports.successfulDeploy(), style),
                HtmlReport.render(SampleReports.failedAndRolledBack(), style),
                HtmlReport.render(SampleReports.validation(), style),
                HtmlReport.render(SampleReports.status(), style),
                HtmlReport.render(SampleReports.history(), style));
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

    @Test
    void theServiceTableSaysHowLongEachWasUnavailableAndTheTimelineMarksEachOutage() {
        String deployed = HtmlReport.render(SampleReports.successfulDeploy(), PageStyle.LINKED);
        String rolledBack = HtmlReport.render(SampleReports.failedAndRolledBack(), PageStyle.LINKED);

        assertThat(deployed).contains("<th scope=\"col\" class=\"num\">Unavailable</th>")
                .contains("<td class=\"num outage\" title=\"deploy: unavailable 380 ms (19 failed probes)\">380 ms</td>")
                .contains("title=\"deploy: downtime: not measured (no health check)\">not measured</td>")
                .contains("<rect class=\"outage\"")
                .contains("<title>unavailable 380 ms (19 failed probes)</title></rect>")
                .doesNotContain("style=\"");
        assertThat(rolledBack).contains(">0 ms<br>restore 412 ms</td>");
    }
}
