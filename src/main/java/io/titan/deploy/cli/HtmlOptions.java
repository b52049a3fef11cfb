package io.titan.deploy.cli;

import io.titan.deploy.report.HtmlReport;
import io.titan.deploy.report.PageStyle;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --html} and {@code --html-inline}: the two ways a command writes its HTML page. */
final class HtmlOptions {

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write the HTML page to FILE and its stylesheet " + HtmlReport.STYLESHEET + " beside it: "
                    + "it renders under Jenkins' Content-Security-Policy (archive or publish both files).")
    Path html;

    @Option(names = "--html-inline", paramLabel = "FILE",
            description = "Write the HTML page as one self-contained file, styles inline (for e-mail; Jenkins' "
                    + "Content-Security-Policy strips its styles).")
    Path htmlInline;

    /** Writes a page. */
    @FunctionalInterface
    interface Page {
        void write(Path file, PageStyle style);
    }

    /** Whether any page was asked for. */
    boolean any() {
        return html != null || htmlInline != null;
    }

    /** Writes the pages asked for with {@code page} and says where on {@code out}. */
    void write(Page page, PrintWriter out, String what) {
        if (html != null) {
            page.write(html, PageStyle.LINKED);
            out.println(what + ": " + html.toAbsolutePath() + " (with " + HtmlReport.STYLESHEET + ")");
        }
        if (htmlInline != null) {
            page.write(htmlInline, PageStyle.INLINE);
            out.println(what + " (single file): " + htmlInline.toAbsolutePath());
        }
        out.flush();
    }
}
