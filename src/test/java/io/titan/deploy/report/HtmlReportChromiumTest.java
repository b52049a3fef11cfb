package io.titan.deploy.report;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the reports in a real browser (headless Debian Chromium): the page must paint at
 * 1280 px and the DOM the browser builds must hold every service and status as text.
 */
@Integration
class HtmlReportChromiumTest {

    private static Chromium chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        chromium = Chromium.require();
    }

    @Test
    void rendersASuccessfulDeployment() {
        DeployReport report = SampleReports.successfulDeploy();
        Path html = dir.resolve("success.html");
        HtmlReport.write(html, report);

        Screenshot shot = screenshot(html);
        String text = Dom.text(chromium.dumpDom(html));

        assertThat(text).contains("Deployment succeeded").contains(report.releaseId());
        assertServicesListed(text, report);
        assertThat(shot.pixelsNear(0x009E73, 12)).as("green 'deployed' bars and icons").isGreaterThan(2_000);
    }

    @Test
    void rendersAFailedAndRolledBackDeployment() {
        DeployReport report = SampleReports.failedAndRolledBack();
        Path html = dir.resolve("failed.html");
        HtmlReport.write(html, report);

        Screenshot shot = screenshot(html);
        String dom = chromium.dumpDom(html);
        String text = Dom.text(dom);

        assertThat(text).contains("Deployment failed \u2014 rolled back").contains(SampleReports.BRAIN_FAILURE)
                .contains("rollback \u00b7 6.4 s").contains("previous release restored");
        assertServicesListed(text, report);
        assertThat(Dom.elements(dom)).contains("svg", "table").doesNotContain("script");
        // The patterns live in a zero-size SVG; these prove the bars really painted with them.
        assertThat(shot.pixelsNear(0xD55E00, 12)).as("vermillion 'failed' bar").isGreaterThan(1_000);
        assertThat(shot.pixelsNear(0xE69F00, 12)).as("orange 'rolled-back' bars").isGreaterThan(200);
    }

    @Test
    void rendersAValidationRun() {
        ValidateReport report = SampleReports.validation();
        Path html = dir.resolve("validate.html");
        HtmlReport.write(html, report);

        screenshot(html);
        String text = Dom.text(chromium.dumpDom(html));

        assertThat(text).contains("Validation failed");
        for (CheckReport check : report.checks()) {
            String result = check.success() ? "passed" : check.required() ? "failed" : "warning";
            assertThat(text).contains(check.name(), check.kind().value(), check.target(), result);
            assertThat(text).containsPattern(java.util.regex.Pattern.quote(check.name()) + " " + check.kind().value()
                    + " .*? " + result + " ");
        }
    }

    @Test
    void hostileNamesAndMessagesRenderAsTextAndNeverAsElements() {
        Path deployHtml = dir.resolve("hostile-deploy.html");
        Path validateHtml = dir.resolve("hostile-validate.html");
        HtmlReport.write(deployHtml, HostileReports.deploy());
        HtmlReport.write(validateHtml, HostileReports.validate());

        for (Path html : List.of(deployHtml, validateHtml)) {
            String dom = chromium.dumpDom(html);
            List<String> elements = Dom.elements(dom);

            assertThat(elements).as("elements of %s", html.getFileName()).isNotEmpty()
                    .doesNotContain("script", "img", "b");
            assertThat(Dom.attributeNames(dom)).noneMatch(name -> name.startsWith("on"));
            assertThat(Dom.text(dom)).contains(HostileReports.SCRIPT_NAME, HostileReports.MESSAGE);
        }
        String deployText = Dom.text(chromium.dumpDom(deployHtml));
        assertThat(deployText).contains("titan-console\" onmouseover=\"alert(3)", "</text><script>alert(4)</script>",
                "r-<b>bold</b>&amp;");
        screenshot(deployHtml);
    }

    private Screenshot screenshot(Path html) {
        Path png = dir.resolve(html.getFileName().toString().replace(".html", ".png"));
        chromium.screenshot(html, png, 1280, 900);
        Screenshot shot = Screenshot.read(png);
        assertThat(shot.width()).isEqualTo(1280);
        assertThat(shot.height()).isEqualTo(900);
        assertThat(shot.distinctColours()).as("distinct colours in %s", png).isGreaterThan(64);
        assertThat(shot.inkRatio()).as("share of non-background pixels in %s", png).isGreaterThan(0.10);
        return shot;
    }

    private static void assertServicesListed(String text, DeployReport report) {
        for (ServiceReport service : report.services()) {
            // The table row reads "L<level> <name> <status> ...".
            assertThat(text).contains("L" + service.level() + " " + service.name() + " " + service.status().value());
        }
    }
}
