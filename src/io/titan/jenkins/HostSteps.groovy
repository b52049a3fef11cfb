package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The titan-deploy calls of one host's part of a release ({@code release begin}, {@code service},
 * {@code soak}, {@code finish}, {@code abort}, and {@code validate} for that host), each run on
 * the host's agent, with that host's report files and pages. A topology without {@code hosts:} keeps
 * the file names, stage names and titles of a one-host release ({@code titan-deploy.json}); with hosts,
 * each host's carry its name ({@code titan-host-a-deploy.json}, {@code titan: validation (host-a)}).
 * Serializable: the pipeline script, the {@link Cli} and plain values only.
 */
class HostSteps implements Serializable {

    private static final long serialVersionUID = 1L

    private final Object steps
    private final Cli cli
    private final Map config
    private final String name
    private final String dir
    private Map schedule
    private String id
    /** The stash holding the topology file for other agents; null when no host needs one. */
    private String stash
    /**
     * Host to the folder its {@code release begin} ran in on its agent. Later steps there run in it
     * ({@code dir}, which takes no workspace lock): two node blocks of this build on one agent at a
     * time get two workspaces ({@code ws} and {@code ws@2}, WorkspaceList.allocate), and only the first
     * has the topology and the checkout its relative paths point into.
     */
    private final Map workspaces = [:]
    /**
     * Host to its release runner ({@code [socket, client, node]}, from {@code release begin --runner}): a
     * warm titan-deploy there that runs the host's later steps without a JVM start each. A step whose
     * runner is gone runs the CLI itself (see Cli.run).
     */
    private final Map runners = [:]

    HostSteps(Object steps, Cli cli, Map config) {
        this.steps = steps
        this.cli = cli
        this.config = config
        this.name = config.name
        this.dir = config.reportDir
    }

    /**
     * Takes the release's schedule and name; on the node the build holds, stashes the topology file
     * for the hosts whose agents are other nodes (a relative path without '..': an absolute one must
     * exist on every agent), so that every host deploys the topology that was planned.
     */
    void start(Map schedule, String id) {
        this.schedule = schedule
        this.id = id
        String file = config.config
        List hosts = (List) schedule.hosts
        boolean elsewhere = false
        for (int i = 0; i < hosts.size(); i++) {
            elsewhere = elsewhere || !here((Map) hosts[i])
        }
        String pattern = Args.stashPattern(file)
        if (elsewhere && pattern) {
            stash = "titan-deploy-${name}".toString()
            steps.stash(name: stash, includes: pattern)
        }
    }

    /**
     * Runs {@code body} on the host's agent and returns what it returns: on the node the build holds
     * when the host has no agent or its label is one of that node's (a nested node() for it would wait
     * for a second executor, for ever on an agent with one), else in node(label): the first time with
     * the topology unstashed into its workspace, later in that same folder. Node blocks wrap single
     * steps only, so they never nest.
     */
    Object onHost(Map host, Closure body) {
        if (here(host)) {
            return body()
        }
        Object result = null
        steps.node(host.agent as String) {
            String folder = workspaces[host.name]
            if (folder == null) {
                if (stash) {
                    steps.unstash(stash)
                }
                workspaces[host.name] = steps.pwd()
                result = body()
            } else {
                steps.dir(folder) {
                    result = body()
                }
            }
        }
        return result
    }

    boolean here(Map host) {
        return Schedule.onCurrentNode(host.agent as String, steps.env.NODE_LABELS as String)
    }

    /** Why the last {@link #begin} was refused. */
    String refusal

    /**
     * {@code release begin} on the host: takes it for the release and plans. False when the host
     * refused (another release holds it, bad input, no CLI there): {@link #refusal} says why.
     */
    boolean begin(Map host) {
        String err = scratch(host, 'begin.stderr')
        String runner = scratch(host, 'runner.json')
        List args = ['release', 'begin'] + common(host) + beginFlags(host) + ['--runner', runner]
        int rc = cli.run(label: "titan-deploy release begin (${label(host)})", args: args, dir: dir, outputs: [runner],
                err: err)
        if (rc == 0) {
            // The release's runner on that host, when one started: the later steps go through it.
            if (steps.fileExists(runner)) {
                runners[host.name] = Json.parse(cli.read(runner), runner)
            }
            return true
        }
        String detail = cli.stderr(err)
        if (Cli.cannotRun(rc)) {
            refusal = "${cli.cannotRunMessage(detail)} (host ${host.name}, agent ${host.agent ?: 'of this build'})"
        } else {
            String why = detail ? ': ' + Cli.lastLine(detail) : ''
            refusal = ("titanDeploy: ${name}: release ${id} could not begin on host ${host.name}: titan-deploy exited "
                    + "${rc}${why}")
        }
        return false
    }

    /** {@code plan --diff --json} on the host: what a deploy would do there; fails the step when it cannot say. */
    Map preview(Map host) {
        String out = "${dir}/${prefix(host)}-plan-diff.json"
        String err = "${dir}/${prefix(host)}-plan-diff.stderr"
        List args = ['plan', '--diff', '--json', '--config', config.config, '--host', host.name]
        if (config.force) {
            args << '--force'
        }
        if (config.removeOrphans) {
            args << '--remove-orphans'
        }
        int rc = cli.run(label: "titan-deploy plan --diff (${label(host)})", args: args, dir: dir, outputs: [out],
                err: err, stdout: out)
        if (rc != 0) {
            cli.failWithoutReport(rc, err)
        }
        return (Map) Json.parseLastLine(cli.read(out), out)
    }

    /**
     * {@code release service NAME} (with {@code untilHealthy}, {@code --until healthy}: it returns once
     * the service passed its health gate): its output goes to the stage's log as it comes; returns its
     * outcome.
     */
    Map service(Map host, String service, boolean untilHealthy) {
        List args = ['release', 'service', service] + common(host) + (untilHealthy ? ['--until', 'healthy'] : [])
        return serviceStep(host, service, "release service ${service}", service, args)
    }

    /**
     * {@code release soak NAME}: the rest of the soak of a service left healthy; returns its outcome. A
     * restart during the soak shows at its end (PM2's restart count, the process), so the CLI starts
     * {@code delaySeconds} in, shortly before the soak ends: its start then does not compete for the
     * agent's CPU with the dependents starting meanwhile.
     */
    Map soak(Map host, String service, int delaySeconds) {
        return serviceStep(host, service, "release soak ${service}", "${service}-soak",
                ['release', 'soak', service] + common(host), delaySeconds)
    }

    private Map serviceStep(Map host, String service, String what, String step, List args, int delaySeconds = 0) {
        String out = scratch(host, "${step}.out")
        String err = scratch(host, "${step}.stderr")
        int rc = cli.run(label: "titan-deploy ${what} (${label(host)})", args: args + ['--json'], dir: dir,
                outputs: [], err: err, tee: out, delay: delaySeconds, runner: runners[host.name])
        String stderr = cli.stderr(err)
        if (Cli.cannotRun(rc)) {
            stderr = cli.cannotRunMessage(stderr)
        }
        return Outcomes.service([name: service, host: host.name, release: id], rc,
                steps.fileExists(out) ? cli.read(out) : '', stderr)
    }

    /** {@code validate} of the host's part: {@code [passed, line]}. */
    Map validate(Map host) {
        Map f = Args.files(dir, "${prefix(host)}-deploy-validate")
        int rc = cli.run(label: "titan-deploy validate (${label(host)})", dir: dir, outputs: [f.report, f.events],
                runner: runners[host.name],
                err: f.err, args: ['validate', '--config', config.config, '--host', host.name, '--report', f.report,
                                   '--events', f.events])
        String where = Schedule.namesHosts(schedule) ? " on ${host.name}" : ''
        if (!steps.fileExists(f.report)) {
            String detail = Cli.lastLine(cli.stderr(f.err))
            return [passed: false, line: ("validation failed${where}: titan-deploy validate exited ${rc} without a "
                    + "report${detail ? ': ' + detail : ''}").toString()]
        }
        Map report = (Map) Json.parse(cli.read(f.report), f.report)
        if (rc == 0 && report.success) {
            return [passed: true, line: "${Reports.validateSummary(report)}${where}".toString()]
        }
        return [passed: false, line: "validation failed${where}: ${Reports.validateFailure(report)}".toString()]
    }

    /** {@code release finish --no-validate}: accepts the release on the host; {@code [ok, report, line]}. */
    Map finish(Map host) {
        Map f = files(host)
        int rc = cli.run(label: "titan-deploy release finish (${label(host)})", dir: dir, outputs: outputs(f, host),
                runner: runners[host.name],
                err: f.err, args: ['release', 'finish'] + common(host) + ['--no-validate'] + reportArgs(host, f))
        Map report = report(f)
        publish(host)
        String why = Cli.lastLine(cli.stderr(f.err)) ?: report?.error ?: "exit ${rc}"
        return [ok  : rc == 0, report: report,
                line: rc == 0 ? null : "release ${id} could not finish on host ${host.name}: ${why}".toString()]
    }

    /**
     * {@code release abort}: restores the host's previous release, or with {@code keep} leaves it as it
     * is and only frees the host; {@code [report, restore]} (see {@link Outcomes#restore}).
     * {@code afterFinish}: a {@code release finish} there was cut off before it answered.
     */
    Map abort(Map host, String reason, boolean keep, boolean afterFinish) {
        Map f = files(host)
        List args = ['release', 'abort'] + common(host) + ['--reason', reason] + reportArgs(host, f)
        if (keep) {
            args << '--keep'
        }
        // After a finish that was cut off, its reports stay until the abort writes its own: they may be the release's.
        int rc = cli.run(label: "titan-deploy release abort${keep ? ' --keep' : ''} (${label(host)})", args: args,
                runner: runners[host.name],
                dir: dir, outputs: afterFinish ? [] : outputs(f, host), err: f.err)
        Map report = report(f)
        String where = Schedule.namesHosts(schedule) ? "${host.name}: " : ''
        Map restore = Outcomes.restore(where, rc, report, cli.stderr(f.err), keep)
        publish(host)
        return [report: report, restore: restore]
    }

    /** The report the host's last {@code release finish} wrote; empty when none. */
    Map finishReport(Map host) {
        return report(files(host))
    }

    /** Stage {@code subject} of a host: {@code titan: validation}; with hosts, {@code titan: validation (host-a)}. */
    @NonCPS
    String stageName(String subject, Map host) {
        return Stages.name(name, Schedule.namesHosts(schedule) ? "${subject} (${host.name})" : subject)
    }

    /** How to end the release on {@code host} by hand, for a message. */
    String byHand(String command, Map host) {
        String what = "${command} --host ${Shell.quote(host.name)} --release ${Shell.quote(id)}"
        if (here(host)) {
            return cli.byHand(what, config.config as String)
        }
        return cli.byHand(what, config.config as String, "${host.agent} (in this job's workspace there)".toString())
    }

    private void publish(Map host) {
        Map f = files(host)
        Map validation = Args.files(dir, "${prefix(host)}-deploy-validate")
        String history = historyPage(host)
        cli.publish([f.report, f.junit, f.html, history, f.css, f.events, validation.report, validation.events],
                f.junit, config.junit as boolean,
                [[file: f.html, title: "Titan deploy (${label(host)})".toString()],
                 [file: history, title: "Titan releases (${label(host)})".toString()]])
    }

    /** The JSON report {@code f.report}; empty when the CLI wrote none. */
    private Map report(Map f) {
        return steps.fileExists(f.report) ? (Map) Json.parse(cli.read(f.report), f.report) : [:]
    }

    @NonCPS
    private List common(Map host) {
        return ['--config', config.config, '--host', host.name, '--release', id]
    }

    /** What decides the plan: only (this host's share), force, removeOrphans, waitLock. */
    @NonCPS
    private List beginFlags(Map host) {
        List flags = []
        if (Args.only(config.only)) {
            flags += ['--only', servicesOn(schedule, host.name as String).join(',')]
        }
        if (config.force) {
            flags << '--force'
        }
        if (config.removeOrphans) {
            flags << '--remove-orphans'
        }
        if (config.waitLock) {
            flags += ['--wait-lock', config.waitLock]
        }
        return flags
    }

    @NonCPS
    private static List<String> servicesOn(Map schedule, String host) {
        return ((List) schedule.order).findAll { Object n -> ((Map) ((Map) schedule.services)[n]).host == host }
                .collect { Object n -> n as String }
    }

    /** The reports of a step that ends the host's part, its history page among them (no history call of its own). */
    @NonCPS
    private List reportArgs(Map host, Map f) {
        return ['--name', label(host), '--report', f.report, '--junit', f.junit, '--html', f.html,
                '--html-inline', f.email, '--events', f.events, '--history-html', historyPage(host)]
    }

    @NonCPS
    private List outputs(Map f, Map host) {
        return [f.report, f.junit, f.html, f.email, f.events, historyPage(host)]
    }

    @NonCPS
    private Map files(Map host) {
        return Args.files(dir, "${prefix(host)}-deploy")
    }

    @NonCPS
    private String historyPage(Map host) {
        return "${dir}/${prefix(host)}-history.html".toString()
    }

    /** A file of the host's steps that is not a report: {@code titan-reports/titan-host-a-steps/titan-brain.out}. */
    @NonCPS
    private String scratch(Map host, String file) {
        return "${dir}/${prefix(host)}-steps/${file}".toString()
    }

    /** {@code titan}, or with hosts {@code titan-host-a}: starts the host's file names. */
    @NonCPS
    private String prefix(Map host) {
        return Schedule.namesHosts(schedule) ? "${name}-${host.name}".toString() : name
    }

    /** {@code titan}, or with hosts {@code titan on host-a}: names its JUnit suite, pages and sh steps. */
    @NonCPS
    private String label(Map host) {
        return Schedule.namesHosts(schedule) ? "${name} on ${host.name}".toString() : name
    }
}
