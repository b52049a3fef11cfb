package io.titan.deploy.report;

import java.util.List;

/**
 * A failed service's last output lines as the reports show them: a block under its row of the HTML
 * service table, and plain lines in JUnit. Times are UTC, as everywhere in the reports.
 */
final class OutputBlock {

    private OutputBlock() {
    }

    /** {@code last 2 lines of api's output (UTC)}. */
    static String title(String service, int lines) {
        return "last " + (lines == 1 ? "line" : lines + " lines") + " of " + service + "'s output (UTC)";
    }

    /** Two line breaks, the title and one line per output line; empty without lines. Not escaped. */
    static String plain(String service, List<OutputLineReport> output) {
        if (output.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("\n\n").append(title(service, output.size())).append(":\n");
        output.forEach(line -> text.append(line.plain()).append('\n'));
        return text.toString();
    }

    /**
     * A table row under the service's own ({@code columns} wide), holding its lines in a
     * {@code pre}: the stream in words, the time, the text. Nothing when it has no lines.
     */
    static void html(StringBuilder html, ServiceReport service, int columns) {
        if (service.output().isEmpty()) {
            return;
        }
        html.append("<tr class=\"output-row status-").append(service.status().value()).append("\"><td></td>")
                .append("<td colspan=\"").append(columns - 1).append("\"><p class=\"output-title\">")
                .append(Text.escape(title(service.name(), service.output().size()))).append("</p>")
                .append("<pre class=\"output-lines\">");
        for (OutputLineReport line : service.output()) {
            html.append("<span class=\"line ").append(line.stream().equals("err") ? "err" : "out")
                    .append("\"><span class=\"stream\">").append(Text.escape(line.stream())).append("</span> ")
                    .append("<time datetime=\"").append(line.time()).append("\">").append(Format.clock(line.time()))
                    .append("</time> ").append(Text.safe(line.text())).append("</span>\n");
        }
        html.append("</pre></td></tr>\n");
    }
}
