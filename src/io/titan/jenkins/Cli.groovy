package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * What the three steps share: finding the titan-deploy CLI on the agent, running it with {@code sh},
 * and publishing its reports. Holds only the pipeline script ({@code steps}) and strings, so it may
 * live across steps. Secrets never pass through here: the CLI reads them from the environment
 * that the user's {@code withCredentials} sets up.
 */
class Cli implements Serializable {

    private static final long serialVersionUID = 1L

    /** What the CLI's exit codes mean (see {@code titan-deploy --help}). */
    static final Map<Integer, String> EXIT_CODES = [
            0: 'success',
            1: 'deployment or validation failed',
            2: 'bad input, nothing was changed',
            3: 'rollback failed, manual action needed',
            4: 'another deployment holds the target\'s lock',
    ]

    /** The shell's exit code when it cannot find or run a command. */
    private static final int COMMAND_NOT_FOUND = 127

    private final Object steps
    private final String stepName

    /**
     * @param steps    the pipeline script ({@code this} in a var), through which steps are called
     * @param stepName the calling step's name, which starts every error message
     */
    Cli(Object steps, String stepName) {
        this.steps = steps
        this.stepName = stepName
    }

    /**
     * The step's settings, {@code userConfig} over {@code defaultConfig}; unknown arguments and a
     * topology file that is not named or not in the workspace end the step before anything runs.
     */
    Map settings(Map defaultConfig, Map userConfig) {
        String unknown = Args.unknown(defaultConfig, userConfig)
        if (unknown) {
            steps.error("${stepName}: unknown argument(s) ${unknown}; known: ${defaultConfig.keySet().join(', ')}")
        }
        Map config = defaultConfig << userConfig
        if (!config.config) {
            steps.error("${stepName}: 'config' must name the topology file")
        }
        if (!steps.fileExists(config.config as String)) {
            steps.error("${stepName}: 'config' names ${config.config}, which is not in the workspace")
        }
        return config
    }

    /**
     * The shell words that start the CLI: {@code configured} (a launcher, or a .jar run with java -jar),
     * else env TITAN_DEPLOY_CLI, else titan-deploy from the agent's PATH. Whether it exists is found
     * out by running it, so a step runs {@code sh} once: the shell's exit code 127 (command not found)
     * becomes the "cannot find the titan-deploy CLI" error of {@link #failWithoutReport}.
     */
    String launcher(Object configured) {
        if (configured) {
            return launcherFor(configured.toString())
        }
        String fromEnv = steps.env.TITAN_DEPLOY_CLI
        return fromEnv ? launcherFor(fromEnv) : 'titan-deploy'
    }

    @NonCPS
    static String launcherFor(String path) {
        return path.endsWith('.jar') ? 'java -jar ' + Shell.quote(path) : Shell.quote(path)
    }

    /**
     * Runs {@code launcher args} in {@code dir} (created first; {@code outputs} deleted first so that a
     * missing report means the CLI wrote none). Stdout goes to the build log, or to {@code stdoutFile};
     * stderr goes to {@code errFile} and then to the log. Returns the exit code.
     */
    int run(String label, String launcher, List args, String dir, List<String> outputs, String errFile,
            String stdoutFile, Object pm2Home) {
        String script = script(launcher, args, dir, outputs, errFile, stdoutFile)
        List env = pm2Home ? ["PM2_HOME=${pm2Home}".toString()] : []
        int rc = 0
        steps.withEnv(env) {
            rc = steps.sh(script: script, returnStatus: true, label: label)
        }
        return rc
    }

    @NonCPS
    static String script(String launcher, List args, String dir, List<String> outputs, String errFile,
                         String stdoutFile) {
        String redirect = stdoutFile ? " >${Shell.quote(stdoutFile)}" : ''
        return ['set +e',
                "mkdir -p ${Shell.quote(dir)}",
                outputs ? "rm -f ${Shell.join(outputs)}" : ':',
                "${launcher} ${Shell.join(args)}${redirect} 2>${Shell.quote(errFile)}",
                'rc=$?',
                "cat ${Shell.quote(errFile)} >&2",
                'exit $rc'].join('\n')
    }

    /** The CLI's stderr from {@code errFile}, trimmed, or '' when there is none. */
    String stderr(String errFile) {
        if (!steps.fileExists(errFile)) {
            return ''
        }
        return steps.readFile(errFile).trim()
    }

    /** The error for an exit the step cannot read a report for. */
    void failWithoutReport(int rc, String errFile) {
        String detail = stderr(errFile)
        if (rc == COMMAND_NOT_FOUND) {
            steps.error("${stepName}: cannot find the titan-deploy CLI: pass 'cli' (the launcher or the jar), "
                    + 'set TITAN_DEPLOY_CLI on the agent, or put titan-deploy on its PATH'
                    + (detail ? " (${lastLine(detail)})" : ''))
        }
        String meaning = EXIT_CODES[rc] ?: 'unexpected exit code'
        steps.error("${stepName}: titan-deploy exited ${rc} (${meaning}) without a report"
                + (detail ? ": ${lastLine(detail)}" : ''))
    }

    @NonCPS
    static String lastLine(String text) {
        List<String> lines = text.readLines().findAll { String l -> l.trim() }
        return lines ? lines[-1].trim() : ''
    }

    /**
     * Archives {@code files} (those present; an HTML page's stylesheet must be among them), publishes
     * {@code junitFile} with the junit step (when asked; the steps set stage and build results
     * themselves, so junit never marks the build), and each of {@code pages} ({@code [file:, title:]})
     * with publishHTML where the HTML Publisher plugin is installed. publishHTML copies the page's whole
     * folder, so the stylesheet beside it goes along.
     */
    void publish(List<String> files, String junitFile, boolean junit, List<Map> pages) {
        List<String> present = []
        for (int i = 0; i < files.size(); i++) {
            if (steps.fileExists(files[i])) {
                present << files[i]
            }
        }
        if (present) {
            steps.archiveArtifacts(artifacts: present.join(','), allowEmptyArchive: true, fingerprint: false)
        }
        if (junit && junitFile && steps.fileExists(junitFile)) {
            steps.junit(testResults: junitFile, allowEmptyResults: true, skipMarkingBuildUnstable: true)
        }
        for (int i = 0; i < pages.size(); i++) {
            String file = pages[i].file
            if (steps.fileExists(file) && !publishHtml(file, pages[i].title as String)) {
                // Jenkins without the HTML Publisher plugin: the pages are still archived.
                steps.echo("${stepName}: publishHTML is not available (HTML Publisher plugin); ${file} is archived")
                return
            }
        }
    }

    /** Publishes one page; false when publishHTML does not exist. */
    private boolean publishHtml(String htmlFile, String title) {
        int slash = htmlFile.lastIndexOf('/')
        String dir = slash < 0 ? '.' : htmlFile.substring(0, slash)
        String file = htmlFile.substring(slash + 1)
        try {
            steps.publishHTML(target: [reportDir            : dir, reportFiles: file, reportName: title,
                                       keepAll              : true, alwaysLinkToLastBuild: true,
                                       allowMissing         : true])
            return true
        } catch (NoSuchMethodError absent) {
            return false
        } catch (MissingMethodException absent) {
            return false
        }
    }

    /**
     * Adds a line to the build's summary and, when {@code summary.badge} is set, a badge, with the
     * Badge plugin's addSummary and addBadge. Without that plugin (or with a version before 2.0, which
     * has no addSummary) it does nothing and says nothing: the build description says it all anyway.
     */
    void summarize(Map summary) {
        try {
            steps.addSummary(icon: summary.icon, text: summary.text)
            Map badge = (Map) summary.badge
            if (badge) {
                steps.addBadge(icon: badge.icon, text: badge.text, style: badge.style)
            }
        } catch (NoSuchMethodError absent) {
            return
        } catch (MissingMethodException absent) {
            return
        }
    }
}
