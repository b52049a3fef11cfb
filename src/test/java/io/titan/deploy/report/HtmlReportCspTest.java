package io.titan.deploy.report;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of HTML page, served from a local HTTP server as Jenkins serves archived artifacts and
 * publishHTML pages: once with Jenkins' default Content-Security-Policy header, once without. Headless
 * Chromium screenshots both, and they must match pixel for pixel but for at most 1%. The single-file
 * (inline) page is the control: the same server must make it lose its styles, or the header was not
 * applied and the comparison proves nothing.
 */
@Integration
class HtmlReportCspTest {

    /** The share of pixels that may differ between the page with and without Jenkins' CSP. */
    static final double MAX_DIFFERENCE = 0.01;
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 1600;

    private static Chromium chromium;
    private static Path dir;
    private static JenkinsCspServer server;

    @BeforeAll
    static void serve() throws IOException {
        chromium = Chromium.require();
        dir = Files.createTempDirectory("titan-csp-");
        server = JenkinsCspServer.serve(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Each kind of page the CLI writes, by the name of its file. */
    static Stream<Arguments> pages() {
        return Stream.of(
                page("deploy", (file, style) -> HtmlReport.write(file, SampleReports.successfulDeploy(), style)),
                page("rollback", (file, style) -> HtmlReport.write(file, SampleReports.failedAndRolledBack(), style)),
                page("validate", (file, style) -> HtmlReport.write(file, SampleReports.validation(), style)),
                page("status", (file, style) -> HtmlReport.write(file, SampleReports.status(), style)),
                page("history", (file, style) -> HtmlReport.write(file, SampleReports.history(), style)));
    }

    private static Arguments page(String name, BiConsumer<Path, PageStyle> writer) {
        return Arguments.of(name, writer);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void rendersTheSameUnderJenkinsCspAsWithoutIt(String name, BiConsumer<Path, PageStyle> writer) throws IOException {
        Path html = dir.resolve(name + ".html");
        writer.accept(html, PageStyle.LINKED);
        assertNothingTheCspDrops(Files.readString(html));

        Screenshot plain = shoot(server.withoutCsp(name + ".html"), name + "-plain.png");
        Screenshot underCsp = shoot(server.underCsp(name + ".html"), name + "-csp.png");
        double difference = underCsp.differingShare(plain);
        System.out.printf(Locale.ROOT, "CSP pixel difference, %s page, linked stylesheet: %.4f%%%n", name,
                100 * difference);

        assertThat(plain.distinctColours()).as("distinct colours of the %s page", name).isGreaterThan(64);
        assertThat(plain.inkRatio()).as("share of non-background pixels of the %s page", name).isGreaterThan(0.10);
        // The stylesheet really applied: the page background is the stylesheet's grey, not white.
        assertThat(underCsp.pixelsNear(0xEEF1F5, 0)).as("stylesheet background under the CSP")
                .isGreaterThan(WIDTH * HEIGHT / 20);
        assertThat(difference).as("share of pixels of the %s page that differ under Jenkins' CSP", name)
                .isLessThanOrEqualTo(MAX_DIFFERENCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void theSingleFilePageLosesItsStylesUnderTheCspWhichIsWhyItIsNotTheDefault(String name,
                                                                              BiConsumer<Path, PageStyle> writer) {
        Path html = dir.resolve(name + "-inline.html");
        writer.accept(html, PageStyle.INLINE);

        double difference = shoot(server.underCsp(html.getFileName().toString()), name + "-inline-csp.png")
                .differingShare(shoot(server.withoutCsp(html.getFileName().toString()), name + "-inline-plain.png"));
        System.out.printf(Locale.ROOT, "CSP pixel difference, %s page, inline styles: %.4f%%%n", name,
                100 * difference);

        assertThat(difference).as("the server must enforce the CSP on the %s page", name).isGreaterThan(0.10);
    }

    @Test
    void hostileNamesStayTextUnderTheCspInThePageAndNeverReachTheStylesheet() throws IOException {
        List<String> names = List.of("hostile-deploy", "hostile-validate", "hostile-status", "hostile-history");
        HtmlReport.write(dir.resolve("hostile-deploy.html"), HostileReports.deploy(), PageStyle.LINKED);
        HtmlReport.write(dir.resolve("hostile-validate.html"), HostileReports.validate(), PageStyle.LINKED);
        HtmlReport.write(dir.resolve("hostile-status.html"), HostileReports.status(), PageStyle.LINKED);
        HtmlReport.write(dir.resolve("hostile-history.html"), HostileReports.history(), PageStyle.LINKED);

        for (String name : names) {
            String markup = Files.readString(dir.resolve(name + ".html"));
            assertNothingTheCspDrops(markup);
            assertThat(markup).as(name).contains("&lt;script&gt;alert(").contains("&amp;").contains("&quot;");
            String dom = chromium.dumpDom(server.underCsp(name + ".html"));
            assertThat(Dom.elements(dom)).as("elements of %s", name).contains("main", "table")
                    .doesNotContain("script", "img", "b", "i");
            assertThat(Dom.attributeNames(dom)).as("attributes of %s", name).noneMatch(a -> a.startsWith("on"));
            assertThat(Dom.text(dom)).as("text of %s", name).contains(HostileReports.SCRIPT_NAME);
        }
        assertThat(Dom.text(chromium.dumpDom(server.underCsp("hostile-status.html"))))
                .contains("it's \"quoted\" & <i>", "<script>alert(7)</script>", "deploy/<b>titan</b>&.yaml");
        assertThat(Dom.text(chromium.dumpDom(server.underCsp("hostile-history.html"))))
                .contains("r-<b>bold</b>&amp;", "1.0\"><script>alert(8)</script>", HostileReports.MESSAGE);
        // The single-file (e-mail) pages escape the same way.
        for (String inline : List.of(HtmlReport.render(HostileReports.deploy(), PageStyle.INLINE),
                HtmlReport.render(HostileReports.validate(), PageStyle.INLINE),
                HtmlReport.render(HostileReports.status(), PageStyle.INLINE),
                HtmlReport.render(HostileReports.history(), PageStyle.INLINE))) {
            assertThat(inline).contains("&lt;script&gt;alert(").doesNotContain("<script")
                    .doesNotContainPattern("(?i)\\son[a-z]+=\"");
        }
        // The other file Jenkins serves: the stylesheet is fixed text, no report reaches it.
        assertThat(dir.resolve(HtmlReport.STYLESHEET)).hasContent(HtmlPage.stylesheet());
        assertThat(HtmlPage.stylesheet()).doesNotContain("alert(").doesNotContain("<script");
    }

    /**
     * What Jenkins' CSP would drop must not be in the page: style elements and attributes, scripts,
     * event handlers, data: URIs; the only reference out of the page is its stylesheet.
     */
    static void assertNothingTheCspDrops(String html) {
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<link rel=\"stylesheet\" href=\"" + HtmlReport.STYLESHEET + "\">")
                .doesNotContainIgnoringCase("<style")
                .doesNotContainIgnoringCase("<script")
                .doesNotContainIgnoringCase("<img")
                // Attributes are always double-quoted; escaped text never holds a raw quote.
                .doesNotContainPattern("(?i)\\sstyle=\"")
                .doesNotContainPattern("(?i)\\son[a-z]+=\"")
                .doesNotContainPattern("(?i)data:[a-z]+/")
                .doesNotContainPattern("(?i)\\ssrc=\"")
                .doesNotContainPattern("url\\((?!#)")
                .doesNotContainPattern("href=\"(?!#|" + HtmlReport.STYLESHEET.replace(".", "\\.") + "\")");
    }

    private static Screenshot shoot(java.net.URI url, String png) {
        Path file = dir.resolve(png);
        chromium.screenshot(url, file, WIDTH, HEIGHT);
        Screenshot shot = Screenshot.read(file);
        assertThat(shot.width()).isEqualTo(WIDTH);
        return shot;
    }
}
