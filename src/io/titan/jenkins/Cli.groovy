package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * What the three steps share: their settings, finding the titan-deploy CLI on the agent, running it
 * with {@code sh}, publishing its reports and describing the build. Holds only the pipeline script
 * ({@code steps}) and strings, so it may live across steps. Secrets never pass through here: the CLI
 * reads them from the environment that the user's {@code withCredentials} sets up.
 */
class Cli implements Serializable {

    private static final long serialVersionUID = 1L

    /** What the runner's client answers when there is no runner, or it refuses the step (bin/titan-deploy-step). */
    private static final int RUNNER_ABSENT = 75
    /** The CLI's exit code for bad input (see {@code titan-deploy --help}). */
    private static final int BAD_INPUT = 2
    /** The shell's exit codes for a command it cannot find (127) or cannot execute (126). */
    private static final List<Integer> CANNOT_RUN = [126, 127]
    /**
     * The first line of every script: with a {@code #!} line durable-task's BourneShellScript runs the
     * script as it is; without one it runs {@code sh -xe}, which prints each command into the log and
     * stops at the first that fails, where these scripts go on to report the exit code.
     */
    static final String SHEBANG = '#!/bin/sh'
    /** The CLI's name on the agent's PATH, the last place it is looked for. */
    private static final String ON_PATH = 'titan-deploy'

    private final Object steps
    private final String stepName
    /** The 'cli' argument, when given: the same path on every agent. Set once, by {@link #settings}. */
    private String cliArgument
    /** PM2_HOME for the CLI, when the step was given one. Set once, by {@link #settings}. */
    private String pm2Home

    /**
     * @param steps    the pipeline script ({@code this} in a var), through which steps are called
     * @param stepName the calling step's name, which starts every error message
     */
    Cli(Object steps, String stepName) {
        this.steps = steps
        this.stepName = stepName
    }

    /**
     * The step's settings (see {@link Settings#resolve}): {@code given} over {@code defaults}, checked;
     * a bad argument, or a topology file that is not a file in the workspace, ends the step before
     * anything runs. Also finds the CLI: {@code cli}, else env TITAN_DEPLOY_CLI, else titan-deploy on
     * the agent's PATH; whether it exists is found out by running it, so a step runs {@code sh} once.
     */
    Map settings(Map defaults, Map choices, Object given) {
        Map resolved = Settings.resolve(stepName, defaults, choices, given)
        if (resolved.problem) {
            steps.error(resolved.problem as String)
        }
        Map config = (Map) resolved.settings
        String file = config.config
        // fileExists cannot tell a folder from a file (FilePath.child drops a trailing "/."); the CLI says so.
        if (!steps.fileExists(file)) {
            steps.error("${stepName}: 'config' names ${file}, which is not in the workspace")
        }
        pm2Home = config.pm2Home
        cliArgument = config.cli
        return config
    }

    /**
     * Where the CLI is on the agent the calling step runs on: the 'cli' argument, else that agent's
     * TITAN_DEPLOY_CLI, else titan-deploy on its PATH. Read afresh by each caller, never kept: the
     * branches of a release run on different agents at the same time.
     */
    @NonCPS
    private String path() {
        String fromEnv = steps.env.TITAN_DEPLOY_CLI
        return cliArgument ?: fromEnv ?: ON_PATH
    }

    /** The shell words that start the CLI on the calling step's agent. */
    @NonCPS
    private String launcher() {
        String path = path()
        return path == ON_PATH ? ON_PATH : launcherFor(path)
    }

    @NonCPS
    static String launcherFor(String path) {
        return path.endsWith('.jar') ? 'java -jar ' + Shell.quote(path) : Shell.quote(path)
    }

    /**
     * Gives this call its name, unique in the build among calls of {@code kind} ({@code deploy},
     * {@code validate}, ...): the 'name' argument, else the topology file's base name; taken names get
     * -2, -3, ... The names so far live in a build-wide env variable, which a CPS program keeps across
     * a restart. Sets and returns {@code config.name}.
     */
    String claimName(String kind, Map config) {
        String wanted = config.name ?: Settings.baseName(config.config as String)
        Map claimed = Settings.claim(steps.env.TITAN_DEPLOY_CALLS as String, kind, wanted)
        steps.env.TITAN_DEPLOY_CALLS = claimed.registry
        if (config.name && claimed.name != config.name) {
            steps.echo("${stepName}: name '${config.name}' is already used in this build; "
                    + "this call is '${claimed.name}'")
        }
        config.name = claimed.name
        return claimed.name
    }

    /**
     * Runs the CLI with {@code call.args} ({@code call.label} names the sh step) in {@code call.dir}
     * (created first; {@code call.outputs} deleted first so that a missing report means the CLI wrote
     * none). Stdout goes to the build log, or to {@code call.stdout}, or to both with {@code call.tee}
     * (the log follows the CLI live); stderr goes to {@code call.err} and then to the log. Returns the
     * exit code. An aborted build interrupts the sh: that InterruptedException goes to the caller.
     */
    int run(Map call) {
        String launcher = launcher()
        String script = call.tee ? teeScript(launcher, call)
                : script(launcher, call)
        List env = pm2Home ? ["PM2_HOME=${pm2Home}".toString()] : []
        int rc = 0
        steps.withEnv(env) {
            rc = steps.sh(script: script, returnStatus: true, label: call.label as String)
        }
        return rc
    }

    @NonCPS
    static String script(String launcher, Map call) {
        String errFile = call.err
        String stdoutFile = call.stdout
        List<String> outputs = (List<String>) call.outputs ?: []
        String redirect = stdoutFile ? " >${Shell.quote(stdoutFile)}" : ''
        List<String> dirs = [call.dir as String, parent(errFile), stdoutFile ? parent(stdoutFile) : null]
                .findAll { String d -> d }.unique()
        return [SHEBANG,
                "mkdir -p ${Shell.join(dirs)}",
                outputs ? "rm -f ${Shell.join(outputs)}" : ':',
                invocation(launcher, call, redirect),
                "cat ${Shell.quote(errFile)} >&2",
                'exit $rc'].join('\n')
    }

    /**
     * The CLI call of a script, leaving its exit code in {@code rc}: through the release's runner on
     * this host when {@code call.runner} names one (a warm titan-deploy: no JVM start), else, and when
     * the runner is gone or refuses the step (its client exits 75), by starting the CLI.
     */
    @NonCPS
    private static String invocation(String launcher, Map call, String redirect) {
        String args = Shell.join((List) call.args)
        String err = " 2>${Shell.quote(call.err as String)}"
        String direct = "${launcher} ${args}${redirect}${err}"
        Map runner = (Map) call.runner
        if (!runner) {
            return "${direct}\nrc=\$?"
        }
        String viaRunner = "${Shell.join([runner.node, runner.client, runner.socket])} ${args}${redirect}${err}"
        return "${viaRunner}\nrc=\$?\nif [ \$rc -eq ${RUNNER_ABSENT} ]; then ${direct}; rc=\$?; fi"
    }

    /**
     * As {@link #script} for {@link #run}'s {@code call}, with stdout both in the log and in
     * {@code call.tee}. POSIX sh has no pipefail: the CLI's exit code goes through a file beside it.
     */
    @NonCPS
    static String teeScript(String launcher, Map call) {
        String teeFile = call.tee
        String errFile = call.err
        String rcFile = "${teeFile}.rc"
        List<String> stale = ((List<String>) call.outputs ?: []) + [teeFile, rcFile]
        List<String> dirs = [call.dir as String, parent(teeFile), parent(errFile)].findAll { String d -> d }.unique()
        int delay = (call.delay ?: 0) as int
        return [SHEBANG,
                "mkdir -p ${Shell.join(dirs)}",
                "rm -f ${Shell.join(stale)}",
                delay > 0 ? "sleep ${delay}" : ':',
                "{ ${invocation(launcher, call, '').replace('\n', '; ')}; " +
                        "echo \$rc >${Shell.quote(rcFile)}; } | tee ${Shell.quote(teeFile)}",
                "rc=\$(cat ${Shell.quote(rcFile)} 2>/dev/null || echo 1)",
                "cat ${Shell.quote(errFile)} >&2",
                'exit $rc'].join('\n')
    }

    /** The folder of {@code file}, or null when it names none. */
    @NonCPS
    private static String parent(String file) {
        int slash = file.lastIndexOf('/')
        return slash > 0 ? file.substring(0, slash) : null
    }

    /** The CLI's stderr from {@code errFile}, trimmed, or '' when there is none. */
    String stderr(String errFile) {
        if (!steps.fileExists(errFile)) {
            return ''
        }
        return read(errFile).trim()
    }

    /**
     * A file the CLI wrote (UTF-8): readFile without an encoding decodes in the controller JVM's
     * default charset (ReadFileStep), which is ASCII on a controller started under the POSIX locale.
     */
    String read(String file) {
        return steps.readFile(file: file, encoding: 'UTF-8')
    }

    /** Whether {@code rc} is the shell saying it could not run the CLI at all. */
    @NonCPS
    static boolean cannotRun(int rc) {
        return rc in CANNOT_RUN
    }

    /** "cannot run the titan-deploy CLI at ..." with what the shell said, and the three ways to fix it. */
    String cannotRunMessage(String detail) {
        String path = path()
        String where = path == ON_PATH ? "${ON_PATH} (looked up on the agent's PATH)" : path
        return "${stepName}: cannot run the titan-deploy CLI at ${where}" + (detail ? " (${lastLine(detail)})" : '') +
                ": pass 'cli' (the launcher or the jar), set TITAN_DEPLOY_CLI on the agent, " +
                'or put titan-deploy on its PATH'
    }

    /** The error for an exit the step cannot read a report for. */
    void failWithoutReport(int rc, String errFile) {
        String detail = stderr(errFile)
        if (cannotRun(rc)) {
            steps.error(cannotRunMessage(detail))
        }
        if (rc == BAD_INPUT && detail) {
            // The CLI names the field and what was wrong: that is the whole message.
            steps.error("${stepName}: ${lastLine(detail).replaceFirst(/^titan-deploy: /, '')}")
        }
        // What the exit code means is the CLI's to say: its last line of stderr says it.
        steps.error("${stepName}: titan-deploy exited ${rc} without a report" + (detail ? ": ${lastLine(detail)}" : ''))
    }

    /**
     * How to run {@code command} by hand on this agent, for a message:
     * {@code `PM2_HOME='/srv/pm2' titan-deploy recover --config '/ws/titan.yaml'` on titan-prod-1}.
     */
    String byHand(String command, String config) {
        String file = config.startsWith('/') ? config : "${steps.pwd()}/${config}"
        return byHand(command, file, (steps.env.NODE_NAME ?: 'this build\'s agent') as String)
    }

    /** As {@link #byHand(String, String)} with {@code file} as it is, on {@code where} (an agent, by name or label). */
    String byHand(String command, String file, String where) {
        String home = pm2Home ? "PM2_HOME=${Shell.quote(pm2Home)} " : ''
        return "`${home}${launcher()} ${command} --config ${Shell.quote(file)}` on ${where}"
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
     * with publishHTML where the HTML Publisher plugin is installed: the page and its stylesheet only
     * (publishHTML copies every file of reportDir unless told which, {@code includes} since 1.14).
     */
    void publish(List<String> files, String junitFile, boolean junit, List<Map> pages) {
        List<String> present = []
        for (int i = 0; i < files.size(); i++) {
            if (files[i] && steps.fileExists(files[i])) {
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
                                       includes             : "${file},${Args.STYLESHEET}".toString(),
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
     * Adds {@code line} to the build description as a line of its own: each call adds one, and text
     * that was there (the user's own, or an earlier call's) stays. Plain text: Jenkins' default markup
     * formatter escapes HTML and turns line breaks into {@code <br>}.
     */
    void describe(String line) {
        steps.currentBuild.description = Reports.addLine(steps.currentBuild.description as String, line)
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
