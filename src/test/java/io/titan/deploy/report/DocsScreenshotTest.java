package io.titan.deploy.report;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates the screenshots in the docs, taken as a Jenkins user sees the pages: written with
 * {@code --html} (page plus stylesheet), served over HTTP with Jenkins' default
 * Content-Security-Policy and rendered in headless Chromium. {@code docs/report-failed-rollback.png}
 * is the README's; {@code docs/report-history.png} is in docs/reports.md. Off by default (it writes
 * into the source tree); run with {@code mvn -o -q test -Dtest=DocsScreenshotTest -Dtitan.docs=true}.
 */
@EnabledIfSystemProperty(named = "titan.docs", matches = "true")
@Integration
class DocsScreenshotTest {

    @TempDir
    Path dir;

    @Test
    void writesTheFailedAndRolledBackDeployAndTheReleaseHistoryAsJenkinsServesThem() throws Exception {
        Chromium chromium = Chromium.require();
        String projectDir = System.getenv().getOrDefault("TITAN_PROJECT_DIR", System.getProperty("user.dir"));
        Path docs = Paths.get(projectDir, "docs");
        Files.createDirectories(docs);
        HtmlReport.write(dir.resolve("report-failed-rollback.html"), SampleReports.failedAndRolledBack(), PageStyle.LINKED);
        HtmlReport.write(dir.resolve("report-history.html"), SampleReports.history(), PageStyle.LINKED);

        try (JenkinsCspServer server = JenkinsCspServer.serve(dir)) {
            shoot(chromium, server, "report-failed-rollback", docs, 1440);
            shoot(chromium, server, "report-history", docs, 1180);
        }
    }

    private void shoot(Chromium chromium, JenkinsCspServer server, String name, Path docs, int height) {
        Path png = docs.resolve(name + ".png");
        Path plain = dir.resolve(name + "-plain.png");
        chromium.screenshot(server.underCsp(name + ".html"), png, 1280, height);
        chromium.screenshot(server.withoutCsp(name + ".html"), plain, 1280, height);

        assertThat(Screenshot.read(png).width()).isEqualTo(1280);
        // What the docs show is what Jenkins shows: the same pixels as without the CSP.
        assertThat(Screenshot.read(png).differingShare(Screenshot.read(plain)))
                .isLessThanOrEqualTo(HtmlReportCspTest.MAX_DIFFERENCE);
    }
}
