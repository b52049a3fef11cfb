package io.titan.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates the README's screenshot {@code docs/report-failed-rollback.png}. Off by default (it
 * writes into the source tree); run with
 * {@code mvn -o -q test -Dtest=DocsScreenshotTest -Dtitan.docs=true}.
 */
@EnabledIfSystemProperty(named = "titan.docs", matches = "true")
class DocsScreenshotTest {

    @TempDir
    Path dir;

    @Test
    void writesTheFailedAndRolledBackScreenshotForTheReadme() throws Exception {
        Chromium chromium = Chromium.require();
        String projectDir = System.getenv().getOrDefault("TITAN_PROJECT_DIR", System.getProperty("user.dir"));
        Path png = Paths.get(projectDir, "docs", "report-failed-rollback.png");
        Path html = dir.resolve("report-failed-rollback.html");
        HtmlReport.write(html, SampleReports.failedAndRolledBack());
        Files.createDirectories(png.getParent());

        chromium.screenshot(html, png, 1280, 1440);

        assertThat(Screenshot.read(png).width()).isEqualTo(1280);
    }
}
