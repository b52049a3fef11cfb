package io.titan.deploy.report;

import io.titan.deploy.report.HtmlPage.Banner;
import java.util.Locale;
import java.util.Map;

/**
 * The PM2 status page: a banner saying whether every topology service is online, then PM2's table
 * with a row for each topology service PM2 does not know. Rows are marked by icon, word and colour.
 */
final class StatusPage {

    private StatusPage() {
    }

    static String render(StatusReport report, PageStyle style) {
        StringBuilder html = new StringBuilder(8_192);
        Map<String, String> down = report.down();
        int services = report.topologyServices().size();
        Banner banner = banner(down.size(), services);
        HtmlPage.open(html, "Titan PM2 status: " + banner.title(), "PM2 status", style);
        StringBuilder why = new StringBuilder();
        down.forEach((name, problem) -> why.append(why.length() == 0 ? "" : "; ").append(name).append(": ").append(problem));
        HtmlPage.banner(html, banner, down.isEmpty() ? null : why.toString());

        long strangers = report.processes().stream().filter(p -> !p.inTopology()).count();
        html.append("<dl class=\"facts\">\n");
        HtmlPage.fact(html, "Topology", "<code>" + Text.safe(report.topology()) + "</code>");
        HtmlPage.fact(html, "Taken", HtmlPage.time(report.at()));
        HtmlPage.fact(html, "Services", services + " in the topology \u00b7 " + (services - down.size()) + " online \u00b7 "
                + down.size() + " not online");
        HtmlPage.fact(html, "Other PM2 apps", String.valueOf(strangers));
        html.append("</dl>\n");

        html.append("<section class=\"panel\" aria-labelledby=\"h-processes\">\n<h2 id=\"h-processes\">PM2 processes</h2>\n")
                .append("<p class=\"hint\">Topology services first, in deployment order; apps PM2 runs that the topology "
                        + "does not declare are greyed.</p>\n");
        table(html, report, down);
        html.append("</section>\n");
        HtmlPage.close(html, "PM2's process list", style);
        return html.toString();
    }

    private static Banner banner(int down, int services) {
        if (services == 0) {
            return new Banner("warning", "i-warning", "No topology services", "The topology declares no services.");
        }
        if (down == 0) {
            return new Banner("ok", "i-deployed", "All " + services + " topology services online",
                    "PM2 runs every service of the topology.");
        }
        return new Banner("failed", "i-failed", down + " of " + services + " topology services not online",
                "PM2 does not run these as the topology wants.");
    }

    private static void table(StringBuilder html, StatusReport report, Map<String, String> down) {
        html.append("<table class=\"processes\">\n<thead><tr><th scope=\"col\">Service</th><th scope=\"col\">Topology</th>")
                .append("<th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">PID</th>")
                .append("<th scope=\"col\" class=\"num\">Uptime</th><th scope=\"col\" class=\"num\">Restarts</th>")
                .append("<th scope=\"col\" class=\"num\">CPU</th><th scope=\"col\" class=\"num\">Memory</th>")
                .append("<th scope=\"col\">Version</th><th scope=\"col\">Release</th></tr></thead>\n<tbody>\n");
        boolean hosts = report.severalHosts();
        for (ProcessReport p : report.processes()) {
            String state = !p.inTopology() ? "stranger" : !p.inPm2() ? "missing" : down.containsKey(p.name()) ? "down" : "up";
            String icon = !p.inPm2() ? "i-alert" : p.isOnline() ? "i-deployed" : "i-failed";
            String word = p.inPm2() ? p.status() : "not in PM2";
            html.append("<tr class=\"state-").append(state).append("\">")
                    .append("<th scope=\"row\" class=\"name\">").append(Text.escape(p.name()))
                    .append(hosts && p.host() != null ? "<span class=\"host\">on " + Text.escape(p.host()) + "</span>" : "")
                    .append("</th>")
                    .append("<td>").append(p.inTopology() ? "declared" : "not declared").append("</td>")
                    .append("<td class=\"status\">").append(Theme.useIcon(icon, 16)).append("<span>")
                    .append(Text.escape(word)).append("</span></td>")
                    .append("<td class=\"num\">").append(p.pid() == null || p.pid() == 0 ? "\u2014" : p.pid()).append("</td>")
                    .append("<td class=\"num\">").append(p.uptimeMs() == null || p.pid() == null || p.pid() == 0 ? "\u2014"
                            : Text.escape(Format.duration(p.uptimeMs()))).append("</td>")
                    .append("<td class=\"num").append(p.restarts() != null && p.restarts() > 0 ? " restarts" : "")
                    .append("\">").append(p.restarts() == null ? "\u2014" : p.restarts()).append("</td>")
                    .append("<td class=\"num\">").append(p.cpu() == null ? "\u2014"
                            : String.format(Locale.ROOT, "%.0f %%", p.cpu())).append("</td>")
                    .append("<td class=\"num\">").append(p.memory() == null ? "\u2014"
                            : String.format(Locale.ROOT, "%.1f MiB", p.memory() / 1048576.0)).append("</td>")
                    .append("<td>").append(p.version() == null ? "\u2014" : Text.escape(p.version())).append("</td>")
                    .append("<td><code>").append(p.releaseId() == null ? "\u2014" : Text.escape(p.releaseId()))
                    .append("</code></td></tr>\n");
        }
        if (report.processes().isEmpty()) {
            html.append("<tr><td colspan=\"10\" class=\"empty\">PM2 runs nothing and the topology declares no services.</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }
}
