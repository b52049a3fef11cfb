package io.titan.deploy.report;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A deploy or validate report as one self-contained HTML page, for the person who opens it from a
 * Jenkins build at 3 a.m.: the result first, then when and what, then the detail.
 *
 * <p>The page has inline CSS and inline SVG only: no JavaScript, no fonts, images or styles from
 * the network, so it renders the same from an archived build artifact, an e-mail attachment or
 * paper ({@code @media print} rules included). Every piece of text from the report is
 * HTML-escaped, in SVG too, and passwords in URLs are masked; a service called
 * {@code <script>} shows up as that text.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    /** Writes {@link #render(Report)} to {@code file}, atomically, creating parent directories. */
    public static void write(Path file, Report report) {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, render(report));
    }

    /** Writes {@link #render(DeployReport)} to {@code file}, atomically, creating parent directories. */
    public static void write(Path file, DeployReport report) {
        write(file, (Report) report);
    }

    /** Writes {@link #render(ValidateReport)} to {@code file}, atomically, creating parent directories. */
    public static void write(Path file, ValidateReport report) {
        write(file, (Report) report);
    }

    /** The page for either kind of report (what {@code titan-deploy report --from F --html G} needs). */
    public static String render(Report report) {
        Objects.requireNonNull(report, "report");
        if (report instanceof DeployReport deploy) {
            return render(deploy);
        }
        return render((ValidateReport) report);
    }

    /** The page for a deploy report: banner, facts, timeline, service table, rollback. */
    public static String render(DeployReport report) {
        Objects.requireNonNull(report, "report");
        StringBuilder html = new StringBuilder(32_768);
        Banner banner = Banner.of(report);
        head(html, "Titan deploy " + report.releaseId() + ": " + banner.title);
        html.append("<header class=\"top\"><span class=\"product\">Titan Deploy</span>")
                .append("<span class=\"kind\">Deployment report</span></header>\n");
        banner(html, banner, report.error());

        html.append("<dl class=\"facts\">\n");
        fact(html, "Release", "<code>" + Text.safe(report.releaseId()) + "</code>");
        fact(html, "Started", time(report.startedAt()));
        fact(html, "Finished", sameDay(report.startedAt(), report.finishedAt())
                ? "<time datetime=\"" + report.finishedAt() + "\">" + Format.clock(report.finishedAt()).substring(0, 8)
                        + " UTC</time>"
                : time(report.finishedAt()));
        fact(html, "Duration", Text.escape(Format.duration(report.durationMs())));
        fact(html, "Services", serviceCounts(report));
        if (report.rollback() != null) {
            fact(html, "Rollback", (report.rollback().success() ? "restored in " : "FAILED after ")
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
        footer(html, "deploy");
        return html.toString();
    }

    /** The page for a validate report: banner, facts, table of checks. */
    public static String render(ValidateReport report) {
        Objects.requireNonNull(report, "report");
        StringBuilder html = new StringBuilder(16_384);
        Banner banner = Banner.of(report);
        head(html, "Titan validation: " + banner.title);
        html.append("<header class=\"top\"><span class=\"product\">Titan Deploy</span>")
                .append("<span class=\"kind\">Validation report</span></header>\n");
        String failedNames = String.join(", ", report.checks().stream()
                .filter(c -> !c.success() && c.required()).map(CheckReport::name).toList());
        banner(html, banner, failedNames.isEmpty() ? null : "Failed: " + failedNames);

        long passed = report.checks().stream().filter(CheckReport::success).count();
        long failed = report.checks().stream().filter(c -> !c.success() && c.required()).count();
        html.append("<dl class=\"facts\">\n");
        fact(html, "Started", time(report.startedAt()));
        fact(html, "Duration", Text.escape(Format.duration(report.durationMs())));
        fact(html, "Checks", report.checks().size() + " total \u00b7 " + passed + " passed \u00b7 " + failed
                + " failed \u00b7 " + report.warnings().size() + " warning" + (report.warnings().size() == 1 ? "" : "s"));
        html.append("</dl>\n");

        html.append("<section class=\"panel\" aria-labelledby=\"h-checks\">\n<h2 id=\"h-checks\">Checks</h2>\n");
        checkTable(html, report);
        html.append("</section>\n");
        footer(html, "validate");
        return html.toString();
    }

    /** The result line: wording, icon and colour class for each way a run can end. */
    private record Banner(String css, String icon, String title, String detail) {

        static Banner of(DeployReport report) {
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

        static Banner of(ValidateReport report) {
            int warnings = report.warnings().size();
            if (!report.success()) {
                return new Banner("failed", "i-failed", "Validation failed",
                        "At least one required check failed.");
            }
            if (warnings > 0) {
                return new Banner("warning", "i-warning", "Validation passed with " + warnings + " warning"
                        + (warnings == 1 ? "" : "s"), "Every required check passed; an optional check failed.");
            }
            return new Banner("ok", "i-deployed", "Validation passed", "Every check passed.");
        }
    }

    private static void head(StringBuilder html, String title) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"titan-deploy\">\n")
                .append("<title>").append(Text.safe(title)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n").append(Theme.definitions()).append("<main>\n");
    }

    private static void banner(StringBuilder html, Banner banner, String error) {
        html.append("<section class=\"banner banner-").append(banner.css).append("\" role=\"status\">\n")
                .append(Theme.useIcon(banner.icon, 44)).append("\n<div>\n<h1>").append(Text.escape(banner.title))
                .append("</h1>\n<p class=\"detail\">").append(Text.escape(banner.detail)).append("</p>\n");
        if (error != null) {
            html.append("<p class=\"error\">").append(Text.safe(error)).append("</p>\n");
        }
        html.append("</div>\n</section>\n");
    }

    private static void fact(StringBuilder html, String term, String definitionHtml) {
        html.append("<div><dt>").append(term).append("</dt><dd>").append(definitionHtml).append("</dd></div>\n");
    }

    private static String time(Instant instant) {
        if (instant == null) {
            return "\u2014";
        }
        return "<time datetime=\"" + instant + "\">" + Text.escape(Format.dateTime(instant)) + "</time>";
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
                .append("<th scope=\"col\" class=\"num\">Restarts</th><th scope=\"col\">Message</th></tr></thead>\n<tbody>\n");
        for (ServiceReport s : TimelineSvg.ordered(report.services())) {
            html.append("<tr class=\"status-").append(s.status().value()).append("\">")
                    .append("<td class=\"level\">L").append(s.level()).append("</td>")
                    .append("<th scope=\"row\" class=\"name\">").append(Text.escape(s.name())).append("</th>")
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
                    .append("<td class=\"message\">").append(s.message() == null ? "" : Text.safe(s.message()))
                    .append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
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
        fact(html, "Result", rollback.success() ? Theme.useIcon("i-deployed", 16) + " previous release restored"
                : Theme.useIcon("i-alert", 16) + " rollback FAILED");
        fact(html, "Started", time(rollback.startedAt()));
        fact(html, "Finished", time(rollback.finishedAt()));
        fact(html, "Duration", Text.escape(Format.duration(rollback.duration().toMillis())));
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
            double width = 100.0 * c.durationMs() / longest;
            html.append("<tr class=\"result-").append(result).append("\">")
                    .append("<th scope=\"row\" class=\"name\">").append(Text.escape(c.name())).append("</th>")
                    .append("<td><span class=\"kind\">").append(c.kind().value()).append("</span></td>")
                    .append("<td class=\"target\"><code>").append(Text.safe(c.target())).append("</code></td>")
                    .append("<td>").append(c.required() ? "required" : "optional").append("</td>")
                    .append("<td class=\"status\">").append(Theme.useIcon(icon, 16)).append("<span>").append(result)
                    .append("</span></td>")
                    .append("<td class=\"num\">").append(Text.escape(Format.duration(c.durationMs())))
                    .append("<span class=\"dur\"><span style=\"width:")
                    .append(String.format(Locale.ROOT, "%.1f", Math.max(1.0, width))).append("%\"></span></span></td>")
                    .append("<td class=\"message\">").append(c.message() == null ? "" : Text.safe(c.message()))
                    .append("</td></tr>\n");
        }
        if (report.checks().isEmpty()) {
            html.append("<tr><td colspan=\"7\" class=\"empty\">No checks were configured.</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static void footer(StringBuilder html, String kind) {
        html.append("<footer>Generated by titan-deploy from a ").append(kind)
                .append(" report. Times are UTC. This page is self-contained: no scripts, no network.</footer>\n")
                .append("</main>\n</body>\n</html>\n");
    }

    private static final String CSS = String.join("\n", List.of(
            ":root{--ink:#1B1F24;--muted:#5B6370;--line:#D5D9E0;--panel:#FFFFFF;--bg:#EEF1F5;"
                    + "-webkit-print-color-adjust:exact;print-color-adjust:exact}",
            "*{box-sizing:border-box}",
            "html{background:var(--bg)}",
            "body{margin:0;color:var(--ink);font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
                    + "\"Liberation Sans\",\"DejaVu Sans\",Arial,sans-serif}",
            "main{max-width:1220px;margin:0 auto;padding:20px 24px 32px}",
            "code,.target,time,.offset{font-family:ui-monospace,\"DejaVu Sans Mono\",\"Liberation Mono\",Menlo,Consolas,monospace}",
            ".defs{position:absolute;width:0;height:0;overflow:hidden}",
            ".top{display:flex;gap:12px;align-items:baseline;margin-bottom:12px;color:var(--muted);"
                    + "text-transform:uppercase;letter-spacing:.08em;font-size:12px}",
            ".top .product{font-weight:700;color:var(--ink)}",
            ".banner{display:flex;gap:16px;align-items:center;padding:16px 20px;border-radius:8px;"
                    + "border:1px solid;border-left-width:8px;background:#fff}",
            ".banner h1{margin:0;font-size:24px;line-height:1.2}",
            ".banner p{margin:4px 0 0}",
            ".banner .error{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:13px;"
                    + "background:rgba(255,255,255,.75);border-radius:4px;padding:6px 8px;margin-top:8px;"
                    + "overflow-wrap:anywhere}",
            ".banner .icon{flex:none}",
            ".banner-ok{background:#E5F4EE;border-color:#009E73}",
            ".banner-rolled-back{background:#FCF1DC;border-color:#E69F00}",
            ".banner-failed{background:#FBE9DE;border-color:#D55E00}",
            ".banner-alert{background:#D55E00;border-color:#8F3F00;color:#fff}",
            ".banner-alert .error{color:var(--ink)}",
            ".banner-warning{background:#FBF8D6;border-color:#B8AC00}",
            ".facts{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}",
            ".facts>div{flex:1 1 auto;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 12px}",
            ".facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}",
            ".facts dd{margin:2px 0 0;font-weight:600;overflow-wrap:anywhere}",
            ".facts.compact>div{border:0;padding:0 12px 0 0;background:none}",
            ".panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:14px 0}",
            ".panel h2{margin:0 0 6px;font-size:17px}",
            ".hint{margin:0 0 8px;color:var(--muted);font-size:12.5px}",
            ".timeline{display:block;font-size:12px}",
            ".timeline text{fill:var(--ink)}",
            ".timeline .axis text{fill:var(--muted);font-size:11px}",
            ".timeline .axis-title{font-weight:600;text-transform:uppercase;letter-spacing:.06em;font-size:10px}",
            ".timeline .level{fill:var(--muted);font-weight:700;font-size:11px}",
            ".timeline .name{font-weight:600;font-size:13px}",
            // A white halo keeps labels legible where they cross grid lines or the rollback band.
            ".timeline .bar-label,.timeline .axis text{paint-order:stroke;stroke:#fff;stroke-width:3px;"
                    + "stroke-linejoin:round}",
            ".timeline .bar-label{font-size:12px}",
            ".timeline .status-failed .bar-label,.timeline .status-rolled-back .bar-label{font-weight:700}",
            ".timeline .status-skipped .bar-label{fill:var(--muted);font-style:italic}",
            ".timeline .rollback-label{fill:#fff;font-weight:700;font-size:11px;letter-spacing:.03em}",
            ".legend{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;margin:8px 0 0;padding:0;"
                    + "font-size:12.5px;color:var(--muted)}",
            ".legend li{display:flex;align-items:center;gap:6px}",
            "table{width:100%;border-collapse:collapse;font-size:13px}",
            "th,td{text-align:left;vertical-align:top;padding:7px 8px;border-bottom:1px solid var(--line)}",
            "thead th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);"
                    + "border-bottom:2px solid var(--line);white-space:nowrap}",
            "tbody th{font-weight:600;white-space:nowrap}",
            "td.num,th.num{text-align:right;white-space:nowrap}",
            "td.level{color:var(--muted);font-weight:700}",
            "td.status{white-space:nowrap}",
            "td.status .icon{vertical-align:-3px;margin-right:6px}",
            "td time{display:block;font-size:12px;white-space:nowrap}",
            ".offset{display:block;font-size:11px;color:var(--muted)}",
            "td.message,td.target,td.deps{overflow-wrap:anywhere}",
            "td.message{max-width:420px}",
            "td.restarts{font-weight:700;color:#8F3F00}",
            "tr.status-failed,tr.result-failed{background:#FDF2EC}",
            "tr.status-failed>*:first-child,tr.result-failed>*:first-child{box-shadow:inset 4px 0 #D55E00}",
            "tr.status-rolled-back{background:#FEF8EC}",
            "tr.status-skipped{color:var(--muted)}",
            "tr.result-warning{background:#FDFBE6}",
            "tr.result-warning>*:first-child{box-shadow:inset 4px 0 #B8AC00}",
            ".kind{display:inline-block;padding:1px 7px;border-radius:10px;background:#E8ECF2;font-size:12px}",
            ".dur{display:block;height:4px;background:#EEF1F5;border-radius:2px;margin-top:4px}",
            ".dur>span{display:block;height:4px;background:#0072B2;border-radius:2px}",
            ".rollback-panel{border-left:6px solid #0072B2}",
            ".rollback-panel .icon{vertical-align:-3px}",
            "p.message{margin:8px 0 0;overflow-wrap:anywhere}",
            ".empty{color:var(--muted)}",
            "footer{margin-top:18px;color:var(--muted);font-size:12px}",
            "@media print{",
            "  @page{size:A4 landscape;margin:10mm}",
            "  html,body{background:#fff}",
            "  body{font-size:10.5pt}",
            "  main{max-width:none;padding:0}",
            "  .panel,.facts>div{border-color:#999}",
            "  .panel,tr,.banner{break-inside:avoid}",
            "  thead{display:table-header-group}",
            "}",
            ""));
}
