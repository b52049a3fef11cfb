package io.titan.deploy.report;

import io.titan.deploy.report.HistoryReport.Release;
import io.titan.deploy.report.HistoryReport.ServiceResult;
import io.titan.deploy.report.HtmlPage.Banner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The release history page: a grid with one row per service and one column per release, oldest on
 * the left, so that a service's result and its time to healthy read as a trend along its row. Every
 * cell says its result in words and with an icon; colour only repeats it. Releases that failed are
 * listed under the grid with their error.
 */
final class HistoryPage {

    private HistoryPage() {
    }

    static String render(HistoryReport report, PageStyle style) {
        StringBuilder html = new StringBuilder(16_384);
        List<Release> columns = new ArrayList<>(report.releases());
        Collections.reverse(columns);
        Banner banner = banner(report.releases());
        HtmlPage.open(html, "Titan releases: " + banner.title(), "Release history", style);
        HtmlPage.banner(html, banner, report.releases().isEmpty() ? null : report.releases().get(0).error());

        html.append("<dl class=\"facts\">\n");
        HtmlPage.fact(html, "Topology", "<code>" + Text.safe(report.topology()) + "</code>");
        HtmlPage.fact(html, "Releases", counts(report.releases()));
        HtmlPage.fact(html, "Running now", runningNow(report));
        HtmlPage.fact(html, "Read", HtmlPage.time(report.at()));
        html.append("</dl>\n");

        html.append("<section class=\"panel\" aria-labelledby=\"h-grid\">\n<h2 id=\"h-grid\">Services by release</h2>\n");
        if (columns.isEmpty()) {
            html.append("<p class=\"empty\">No release of this target is recorded yet.</p>\n");
        } else {
            html.append("<p class=\"hint\">One row per service, one column per release, oldest on the left. A cell "
                    + "gives the service's result and its time from start to healthy; the bar compares that time "
                    + "with the service's other releases.</p>\n");
            grid(html, report, columns);
        }
        html.append("</section>\n");
        failures(html, report.releases());
        HtmlPage.close(html, "the target's release records", style);
        return html.toString();
    }

    private static Banner banner(List<Release> newestFirst) {
        if (newestFirst.isEmpty()) {
            return new Banner("warning", "i-warning", "No releases yet", "Nothing has been deployed to this target.");
        }
        Release latest = newestFirst.get(0);
        String of = "Latest release " + latest.id();
        return switch (latest.result()) {
            case "deployed" -> new Banner("ok", "i-deployed", of + ": deployed", "It is what runs now.");
            case "rolled-back" -> new Banner("rolled-back", "i-rolled-back", of + ": rolled back",
                    "The release before it was restored.");
            case "rollback-failed" -> new Banner("alert", "i-alert", of + ": rollback FAILED",
                    "The release before it could not be restored. Manual action needed.");
            case "failed" -> new Banner("failed", "i-failed", of + ": failed, not rolled back",
                    "The failed state was left in place (rollback disabled).");
            default -> new Banner("warning", "i-warning", of + ": " + latest.result(),
                    "Unfinished: still deploying, or its deployer died and the next deploy or rollback restores "
                            + "the release before it.");
        };
    }

    private static String counts(List<Release> releases) {
        Map<String, Integer> byResult = new LinkedHashMap<>();
        releases.forEach(r -> byResult.merge(r.result(), 1, Integer::sum));
        StringBuilder text = new StringBuilder().append(releases.size());
        byResult.forEach((result, n) -> text.append(" \u00b7 ").append(n).append(' ').append(Text.escape(result)));
        return text.toString();
    }

    /** The release that runs now; with several hosts, per host, since a release may run on some of them only. */
    private static String runningNow(HistoryReport report) {
        if (!report.severalHosts()) {
            return report.releases().stream().filter(Release::current).findFirst()
                    .map(r -> "<code>" + Text.escape(r.id()) + "</code>").orElse("no deployed release");
        }
        Map<String, String> byHost = new java.util.TreeMap<>();
        report.hosts().values().forEach(host -> byHost.put(host, "no deployed release"));
        for (Release release : report.releases()) {
            release.hosts().stream().filter(HistoryReport.HostResult::current).forEach(h -> byHost.put(h.host(),
                    "<code>" + Text.escape(release.id()) + "</code>"));
        }
        List<String> parts = new ArrayList<>();
        byHost.forEach((host, release) -> parts.add(Text.escape(host) + ": " + release));
        return String.join(" \u00b7 ", parts);
    }

    private static void grid(StringBuilder html, HistoryReport report, List<Release> columns) {
        List<String> services = report.services();
        html.append("<div class=\"grid-scroll\">\n<table class=\"grid\">\n<thead><tr><th scope=\"col\">Service</th>");
        for (Release release : columns) {
            html.append("<th scope=\"col\" class=\"release release-").append(Text.escape(release.result())).append("\">")
                    .append("<span class=\"id\">").append(Text.escape(release.id())).append("</span>")
                    .append(HtmlPage.time(release.startedAt()))
                    .append("<span class=\"result\">").append(Theme.useIcon(resultIcon(release.result()), 14))
                    .append(Text.escape(release.result().replace('-', ' '))).append("</span>");
            if (release.hosts().size() > 1 || report.severalHosts()) {
                html.append("<span class=\"hosts\">on ").append(Text.escape(String.join(", ",
                        release.hosts().stream().map(HistoryReport.HostResult::host).toList()))).append("</span>");
            }
            if (release.current()) {
                html.append("<span class=\"current\">running now</span>");
            }
            html.append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (String service : services) {
            long slowest = 1;
            for (Release release : columns) {
                Long healthy = release.resultOf(service).map(ServiceResult::timeToHealthyMs).orElse(null);
                if (healthy != null) {
                    slowest = Math.max(slowest, healthy);
                }
            }
            html.append("<tr><th scope=\"row\" class=\"name\">").append(Text.escape(service));
            if (report.severalHosts() && report.hosts().containsKey(service)) {
                html.append("<span class=\"host\">on ").append(Text.escape(report.hosts().get(service))).append("</span>");
            }
            html.append("</th>");
            for (Release release : columns) {
                cell(html, service, release, slowest);
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n");
    }

    private static void cell(StringBuilder html, String service, Release release, long slowest) {
        Optional<ServiceResult> result = release.resultOf(service);
        String version = release.versions().get(service);
        if (result.isEmpty()) {
            boolean inRelease = release.services().contains(service);
            html.append("<td class=\"cell cell-").append(inRelease ? "unknown" : "absent").append("\">")
                    .append("<span class=\"word\">").append(inRelease ? "no report" : "not in release").append("</span>");
            version(html, version);
            html.append("</td>");
            return;
        }
        ServiceResult r = result.get();
        html.append("<td class=\"cell cell-").append(r.status().value()).append("\"><span class=\"word\">")
                .append(Theme.useIcon(Theme.icon(r.status()), 16)).append(r.status().value()).append("</span>")
                .append("<span class=\"time\">").append(Text.escape(time(r))).append("</span>");
        if (r.timeToHealthyMs() != null) {
            html.append(HtmlPage.bar(r.timeToHealthyMs() / (double) slowest));
        }
        version(html, version);
        html.append("</td>");
    }

    /** The cell's second line: time to healthy where there is one, else what stands for it. */
    private static String time(ServiceResult r) {
        String restarts = r.restarts() == 0 ? "" : " \u00b7 " + r.restarts() + " restart" + (r.restarts() == 1 ? "" : "s");
        if (r.timeToHealthyMs() != null) {
            return "healthy in " + Format.duration(r.timeToHealthyMs()) + restarts;
        }
        return switch (r.status()) {
            case FAILED, ROLLED_BACK -> r.durationMs() > 0 ? "gave up after " + Format.duration(r.durationMs()) + restarts
                    : "never healthy" + restarts;
            case UNCHANGED -> "left running";
            case SKIPPED -> "not started";
            case PENDING, DEPLOYING -> "not decided";
            case DEPLOYED, HEALTHY -> "healthy" + restarts;
        };
    }

    private static void version(StringBuilder html, String version) {
        if (version != null) {
            html.append("<span class=\"version\">").append(Text.escape(version)).append("</span>");
        }
    }

    private static String resultIcon(String result) {
        return switch (result) {
            case "deployed" -> "i-deployed";
            case "rolled-back" -> "i-rolled-back";
            case "rollback-failed" -> "i-alert";
            case "failed" -> "i-failed";
            default -> "i-pending";
        };
    }

    /** The releases that failed, with why: the grid shows where, this says what. */
    private static void failures(StringBuilder html, List<Release> newestFirst) {
        List<Release> failed = newestFirst.stream().filter(r -> r.error() != null).toList();
        if (failed.isEmpty()) {
            return;
        }
        html.append("<section class=\"panel\" aria-labelledby=\"h-failures\">\n<h2 id=\"h-failures\">Releases that failed or were rolled back</h2>\n")
                .append("<table class=\"failures\">\n<thead><tr><th scope=\"col\">Release</th><th scope=\"col\">Result</th>")
                .append("<th scope=\"col\">Started</th><th scope=\"col\">Error</th></tr></thead>\n<tbody>\n");
        for (Release r : failed) {
            html.append("<tr class=\"status-failed\"><th scope=\"row\"><code>").append(Text.escape(r.id())).append("</code></th>")
                    .append("<td class=\"status\">").append(Theme.useIcon(resultIcon(r.result()), 16)).append("<span>")
                    .append(Text.escape(r.result())).append("</span></td>")
                    .append("<td>").append(HtmlPage.time(r.startedAt())).append("</td>")
                    .append("<td class=\"message\">").append(Text.safe(r.error())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }
}
