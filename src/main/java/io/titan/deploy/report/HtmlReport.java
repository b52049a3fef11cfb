package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.report.HtmlPage.Banner;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The HTML pages of titan-deploy: a deploy or validate report, the PM2 status of a target and its
 * release history. Written for the person who opens them from a Jenkins build at 3 a.m.: the result
 * first, then when and what, then the detail.
 *
 * <p>Pages hold markup and inline SVG only: no JavaScript, no {@code style} attribute, no fonts,
 * images or styles from the network. Their stylesheet is either a file beside the page
 * ({@link PageStyle#LINKED}, which Jenkins' Content-Security-Policy lets through) or a
 * {@code <style>} element ({@link PageStyle#INLINE}, one file for e-mail); {@code @media print}
 * rules are included. Every piece of text from a report is HTML-escaped, in SVG too, and passwords
 * in URLs are masked; a service called {@code <script>} shows up as that text.
 */
public final class HtmlReport {

    /** The stylesheet's file name, which {@link PageStyle#LINKED} pages expect beside them. */
    public static final String STYLESHEET = HtmlPage.STYLESHEET;

    private HtmlReport() {
    }

    /** Writes the {@link PageStyle#LINKED} page for {@code report} and its stylesheet beside it. */
    public static void write(Path file, Report report) {
        write(file, report, PageStyle.LINKED);
    }

    /** Writes the page for {@code report} (and, when linked, its stylesheet beside it), atomically. */
    public static void write(Path file, Report report, PageStyle style) {
        write(file, report, style, null);
    }

    /**
     * Writes the page for {@code report} of the run called {@code name} (see
     * {@link #render(Report, PageStyle, String)}), and, when linked, its stylesheet beside it, atomically.
     */
    public static void write(Path file, Report report, PageStyle style, String name) {
        HtmlPage.write(file, render(report, style, name), style);
    }

    /** Writes the PM2 status page (and, when linked, its stylesheet beside it), atomically. */
    public static void write(Path file, StatusReport report, PageStyle style) {
        HtmlPage.write(file, render(report, style), style);
    }

    /** Writes the release history page (and, when linked, its stylesheet beside it), atomically. */
    public static void write(Path file, HistoryReport report, PageStyle style) {
        HtmlPage.write(file, render(report, style), style);
    }

    /** The {@link PageStyle#LINKED} page for either kind of report. */
    public static String render(Report report) {
        return render(report, PageStyle.LINKED);
    }

    /** The page for either kind of report (what {@code titan-deploy report --from F --html G} needs). */
    public static String render(Report report, PageStyle style) {
        return render(report, style, null);
    }

    /**
     * The page for either kind of report of the run called {@code name} (null: unnamed): the name goes
     * into the page's title and its header, so that two runs of one build (two targets, or a deploy and
     * a redeploy) are told apart in the browser's tabs and on the page.
     */
    public static String render(Report report, PageStyle style, String name) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(style, "style");
        String named = name == null || name.isBlank() ? "" : " (" + name.strip() + ")";
        if (report instanceof DeployReport deploy) {
            return deployPage(deploy, style, named);
        }
        return validatePage((ValidateReport) report, style, named);
    }

    /** The PM2 status page: one row per process, and one per topology service PM2 does not know. */
    public static String render(StatusReport report, PageStyle style) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(style, "style");
        return StatusPage.render(report, style);
    }

    /** The release history page: one row per service, one column per release. */
    public static String render(HistoryReport report, PageStyle style) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(style, "style");
        return HistoryPage.render(report, style);
    }

    /** The page for a deploy report: banner, facts, timeline, service table, rollback. */
    private static String deployPage(DeployReport report, PageStyle style, String named) {
        StringBuilder html = new StringBuilder(32_768);
        Banner banner = banner(report);
        HtmlPage.open(html, "Titan deploy" + named + " " + report.releaseId() + ": " + banner.title(),
                "Deployment report" + named, style);
        HtmlPage.banner(html, banner, report.error());

        html.append("<dl class=\"facts\">\n");
        HtmlPage.fact(html, "Release", "<code>" + Text.safe(report.releaseId()) + "</code>");
        HtmlPage.fact(html, "Started", HtmlPage.time(report.startedAt()));
        HtmlPage.fact(html, "Finished", sameDay(report.startedAt(), report.finishedAt())
                ? "<time datetime=\"" + report.finishedAt() + "\">" + Format.clock(report.finishedAt()).substring(0, 8)
                        + " UTC</time>"
                : HtmlPage.time(report.finishedAt()));
        HtmlPage.fact(html, "Duration", Text.escape(Format.duration(report.durationMs())));
        HtmlPage.fact(html, "Services", serviceCounts(report));
        if (report.rollback() != null) {
            HtmlPage.fact(html, "Rollback", (report.rollback().success() ? "restored in " : "FAILED after ")
                    + Text.escape(Format.duration(report.rollback().duration().toMillis())));
        }
        html.append("</dl>\n");

        html.append("<section class=\"panel\" aria-labelledby=\"h-timeline\">\n<h2 id=\"h-timeline\">Timeline</h2>\n");
        if (report.services().isEmpty()) {
            html.append("<p class=\"empty\">No services in this deployment.</p>\n");
        } else {
            html.append("<p class=\"hint\">Rows are grouped by dependency level (L0 has no dependencies); "
                    + "an arrow leads from the dependency a service waited for to its start.</p>\n");
            html.append(TimelineSvg.render(report));
            legend(html, report);
        }
        html.append("</section>\n");

        html.append("<section class=\"panel\" aria-labelledby=\"h-services\">\n<h2 id=\"h-services\">Services</h2>\n");
        serviceTable(html, report);
        html.append("</section>\n");

        if (report.rollback() != null) {
            rollback(html, report.rollback());
        }
        HtmlPage.close(html, "a deploy report", style);
        return html.toString();
    }

    /** The page for a validate report: banner, facts, table of checks. */
    private static String validatePage(ValidateReport report, PageStyle style, String named) {
        StringBuilder html = new StringBuilder(16_384);
        Banner banner = banner(report);
        HtmlPage.open(html, "Titan validation" + named + ": " + banner.title(), "Validation report" + named, style);
        String failedNames = String.join(", ", report.checks().stream()
                .filter(c -> !c.success() && c.required()).map(CheckReport::name).toList());
        HtmlPage.banner(html, banner, failedNames.isEmpty() ? null : "Failed: " + failedNames);

        long passed = report.checks().stream().filter(CheckReport::success).count();
        long failed = report.checks().stream().filter(c -> !c.success() && c.required()).count();
        html.append("<dl class=\"facts\">\n");
        HtmlPage.fact(html, "Started", HtmlPage.time(report.startedAt()));
        HtmlPage.fact(html, "Duration", Text.escape(Format.duration(report.durationMs())));
        HtmlPage.fact(html, "Checks", report.checks().size() + " total \u00b7 " + passed + " passed \u00b7 " + failed
                + " failed \u00b7 " + report.warnings().size() + " warning" + (report.warnings().size() == 1 ? "" : "s"));
        html.append("</dl>\n");

        html.append("<section class=\"panel\" aria-labelledby=\"h-checks\">\n<h2 id=\"h-checks\">Checks</h2>\n");
        checkTable(html, report);
        html.append("</section>\n");
        HtmlPage.close(html, "a validate report", style);
        return html.toString();
    }

    /** The result line of a deployment, for each way it can end. */
    private static Banner banner(DeployReport report) {
        return switch (report.outcome()) {
            case SUCCESS -> new Banner("ok", "i-deployed", "Deployment succeeded",
                    "Every service is deployed and healthy.");
            case ROLLED_BACK -> new Banner("rolled-back", "i-rolled-back", "Deployment failed \u2014 rolled back",
                    "The previous release was restored and is healthy.");
            case ROLLBACK_FAILED -> new Banner("alert", "i-alert", "Deployment failed \u2014 rollback FAILED",
                    "The previous release could not be restored. Manual action needed.");
            case FAILED -> new Banner("failed", "i-failed", "Deployment failed \u2014 not rolled back",
                    "The failed state was left in place (rollback disabled).");
        };
    }

    /** The result line of a validation. */
    private static Banner banner(ValidateReport report) {
        int warnings = report.warnings().size();
        if (!report.success()) {
            return new Banner("failed", "i-failed", "Validation failed", "At least one required check failed.");
        }
        if (warnings > 0) {
            return new Banner("warning", "i-warning", "Validation passed with " + warnings + " warning"
                    + (warnings == 1 ? "" : "s"), "Every required check passed; an optional check failed.");
        }
        return new Banner("ok", "i-deployed", "Validation passed", "Every check passed.");
    }

    private static boolean sameDay(Instant a, Instant b) {
        return a.atZone(ZoneOffset.UTC).toLocalDate().equals(b.atZone(ZoneOffset.UTC).toLocalDate());
    }

    private static String serviceCounts(DeployReport report) {
        StringBuilder counts = new StringBuilder().append(report.services().size());
        for (ServiceStatus status : ServiceStatus.values()) {
            long n = report.count(status);
            if (n > 0) {
                counts.append(" \u00b7 ").append(n).append(' ').append(status.value());
            }
        }
        return counts.toString();
    }

    private static void legend(StringBuilder html, DeployReport report) {
        Set<ServiceStatus> present = EnumSet.noneOf(ServiceStatus.class);
        report.services().forEach(s -> present.add(s.status()));
        html.append("<ul class=\"legend\" aria-label=\"Legend\">\n");
        for (ServiceStatus status : present) {
            html.append("<li><svg width=\"28\" height=\"14\" aria-hidden=\"true\"><rect x=\"0.5\" y=\"0.5\" width=\"27\" "
                            + "height=\"13\" rx=\"3\" fill=\"url(#").append(Theme.pattern(status)).append(")\" stroke=\"")
                    .append(Theme.stroke(status)).append("\"/></svg>").append(status.value()).append("</li>\n");
        }
        if (report.rollback() != null) {
            html.append("<li><svg width=\"28\" height=\"14\" aria-hidden=\"true\"><rect x=\"0.5\" y=\"0.5\" width=\"27\" "
                    + "height=\"13\" fill=\"url(#tp-rollback)\" stroke=\"").append(Theme.BLUE)
                    .append("\" stroke-dasharray=\"4 3\"/></svg>rollback window</li>\n");
        }
        html.append("</ul>\n");
    }

    private static void serviceTable(StringBuilder html, DeployReport report) {
        html.append("<table class=\"services\">\n<thead><tr><th scope=\"col\">Level</th><th scope=\"col\">Service</th>")
                .append("<th scope=\"col\">Status</th><th scope=\"col\">Depends on</th><th scope=\"col\">Start</th>")
                .append("<th scope=\"col\">Ready</th><th scope=\"col\" class=\"num\">Duration</th>")
                .append("<th scope=\"col\" class=\"num\">Restarts</th><th scope=\"col\" class=\"num\">Unavailable</th>")
                .append("<th scope=\"col\">Message</th></tr></thead>\n<tbody>\n");
        for (ServiceReport s : TimelineSvg.ordered(report.services())) {
            html.append("<tr class=\"status-").append(s.status().value()).append("\">")
                    .append("<td class=\"level\">L").append(s.level()).append("</td>")
                    .append("<th scope=\"row\" class=\"name\">").append(Text.escape(s.name()))
                    .append(s.host() == null || s.host().equals("local") ? ""
                            : " <span class=\"host\">on " + Text.escape(s.host()) + "</span>").append("</th>")
                    .append("<td class=\"status\">").append(Theme.useIcon(Theme.icon(s.status()), 16))
                    .append("<span>").append(s.status().value()).append("</span></td>")
                    .append("<td class=\"deps\">").append(s.dependsOn().isEmpty() ? "\u2014"
                            : Text.escape(String.join(", ", s.dependsOn()))).append("</td>")
                    .append("<td>").append(stamp(report, s.startedAt())).append("</td>")
                    .append("<td>").append(stamp(report, s.readyAt())).append("</td>")
                    .append("<td class=\"num\">").append(s.startedAt() == null ? "\u2014"
                            : Text.escape(Format.duration(s.durationMs()))).append("</td>")
                    .append("<td class=\"num").append(s.restarts() > 0 ? " restarts" : "").append("\">")
                    .append(s.startedAt() == null && s.restarts() == 0 ? "\u2014" : String.valueOf(s.restarts()))
                    .append("</td>")
                    .append(unavailable(s))
                    .append("<td class=\"message\">").append(s.message() == null ? "" : Text.safe(s.message()))
                    .append("</td></tr>\n");
            OutputBlock.html(html, s, 10);
        }
        html.append("</tbody>\n</table>\n");
    }

    /**
     * How long the service answered nothing while it was replaced (and while the rollback put it
     * back): a number, {@code not measured} (never 0), or a dash when it was not replaced.
     */
    private static String unavailable(ServiceReport s) {
        DowntimeReport deployed = s.downtime();
        DowntimeReport restored = s.restoreDowntime();
        if (deployed == null && restored == null) {
            return "<td class=\"num\">\u2014</td>";
        }
        boolean outage = deployed != null && deployed.downtimeMs() != null && deployed.downtimeMs() > 0
                || restored != null && restored.downtimeMs() != null && restored.downtimeMs() > 0;
        String title = (deployed == null ? "" : "deploy: " + deployed.text())
                + (deployed != null && restored != null ? "; " : "") + (restored == null ? "" : "restore: " + restored.text());
        return "<td class=\"num" + (outage ? " outage" : "") + "\" title=\"" + Text.escape(title) + "\">"
                + (deployed == null ? "" : Text.escape(deployed.cell()))
                + (deployed != null && restored != null ? "<br>" : "")
                + (restored == null ? "" : "restore " + Text.escape(restored.cell())) + "</td>";
    }

    /** A time as clock time plus offset from the run's start: both are what people compare. */
    private static String stamp(DeployReport report, Instant at) {
        if (at == null) {
            return "\u2014";
        }
        return "<time datetime=\"" + at + "\">" + Format.clock(at) + "</time><span class=\"offset\">"
                + Text.escape(Format.offset(report.startedAt(), at)) + "</span>";
    }

    private static void rollback(StringBuilder html, RollbackReport rollback) {
        html.append("<section class=\"panel rollback-panel\" aria-labelledby=\"h-rollback\">\n")
                .append("<h2 id=\"h-rollback\">Rollback</h2>\n<dl class=\"facts compact\">\n");
        HtmlPage.fact(html, "Result", rollback.success() ? Theme.useIcon("i-deployed", 16) + " previous release restored"
                : Theme.useIcon("i-alert", 16) + " rollback FAILED");
        HtmlPage.fact(html, "Started", HtmlPage.time(rollback.startedAt()));
        HtmlPage.fact(html, "Finished", HtmlPage.time(rollback.finishedAt()));
        HtmlPage.fact(html, "Duration", Text.escape(Format.duration(rollback.duration().toMillis())));
        html.append("</dl>\n");
        if (rollback.message() != null) {
            html.append("<p class=\"message\">").append(Text.safe(rollback.message())).append("</p>\n");
        }
        html.append("</section>\n");
    }

    private static void checkTable(StringBuilder html, ValidateReport report) {
        long longest = Math.max(1, report.checks().stream().mapToLong(CheckReport::durationMs).max().orElse(1));
        html.append("<table class=\"checks\">\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Kind</th>")
                .append("<th scope=\"col\">Target</th><th scope=\"col\">Required</th><th scope=\"col\">Result</th>")
                .append("<th scope=\"col\" class=\"num\">Duration</th><th scope=\"col\">Message</th></tr></thead>\n<tbody>\n");
        for (CheckReport c : report.checks()) {
            String result = c.success() ? "passed" : c.required() ? "failed" : "warning";
            String icon = c.success() ? "i-deployed" : c.required() ? "i-failed" : "i-warning";
            html.append("<tr class=\"result-").append(result).append("\">")
                    .append("<th scope=\"row\" class=\"name\">").append(Text.escape(c.name())).append("</th>")
                    .append("<td><span class=\"kind\">").append(c.kind().value()).append("</span></td>")
                    .append("<td class=\"target\"><code>").append(Text.safe(c.target())).append("</code></td>")
                    .append("<td>").append(c.required() ? "required" : "optional").append("</td>")
                    .append("<td class=\"status\">").append(Theme.useIcon(icon, 16)).append("<span>").append(result)
                    .append("</span></td>")
                    .append("<td class=\"num\">").append(Text.escape(Format.duration(c.durationMs())))
                    .append(HtmlPage.bar(c.durationMs() / (double) longest)).append("</td>")
                    .append("<td class=\"message\">").append(c.message() == null ? "" : Text.safe(c.message()))
                    .append("</td></tr>\n");
        }
        if (report.checks().isEmpty()) {
            html.append("<tr><td colspan=\"7\" class=\"empty\">No checks were configured.</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }
}
