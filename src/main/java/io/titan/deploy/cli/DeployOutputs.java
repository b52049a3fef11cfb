package io.titan.deploy.cli;

import io.titan.deploy.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code plan --diff}'s copy of the files a deploy writes ({@code --report}, {@code --junit},
 * {@code --events}, {@code --html}, {@code --html-inline}, {@code --history-html}): a deploy never
 * counts them as code, even in a service's folder, so the plan must not either. Nothing is written.
 */
final class DeployOutputs {

    private static final String AS_DEPLOY = "With --diff: a file the deploy writes with this option; like that "
            + "deploy, the plan does not count it as code (nothing is written).";

    @Option(names = "--report", paramLabel = "FILE", description = AS_DEPLOY)
    Path report;

    @Option(names = "--junit", paramLabel = "FILE", description = AS_DEPLOY)
    Path junit;

    @Option(names = "--events", paramLabel = "FILE", description = AS_DEPLOY)
    Path events;

    @Option(names = "--html", paramLabel = "FILE", description = AS_DEPLOY + " Its stylesheet beside it neither.")
    Path html;

    @Option(names = "--html-inline", paramLabel = "FILE", description = AS_DEPLOY)
    Path htmlInline;

    @Option(names = "--history-html", paramLabel = "FILE", description = AS_DEPLOY)
    Path historyHtml;

    /** The files, as the deploy given them leaves them out of its fingerprints. */
    List<Path> files() {
        return OutputOptions.written(report, junit, events, html, htmlInline, historyHtml);
    }

    /**
     * Refuses the files without {@code --diff}, where they would mean nothing.
     *
     * @throws ConfigException exit 2 naming the first option given
     */
    void requireDiff(boolean diff) {
        if (diff) {
            return;
        }
        String[] names = {"--report", "--junit", "--events", "--html", "--html-inline", "--history-html"};
        Path[] values = {report, junit, events, html, htmlInline, historyHtml};
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null) {
                throw new ConfigException(names[i] + ": only with --diff, where it names a file a deploy writes "
                        + "(plan writes no files)");
            }
        }
    }
}
