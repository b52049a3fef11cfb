package io.titan.jenkins

/**
 * One titanDeploy release, scheduled by Jenkins: {@code plan --json} on the current node, then on
 * each host's agent {@code release begin}, one stage per service ({@code release service}) started as
 * soon as its dependencies' stages succeeded, a validation stage per host, and {@code release finish};
 * or, after a failure or an abort, a rollback stage with {@code release abort} on every host.
 *
 * <p>Jenkins' limits shape it (docs/jenkins.md): a host whose agent is the node the build holds runs
 * there, never in a nested {@code node} (that needs a second executor); the graph stays flat, one
 * {@code parallel} at a time whose branches each hold one stage; what the branches share lives in
 * plain Maps of Strings on this object, which CPS serializes; {@code catchError} never catches an
 * abort. Serializable: it holds the pipeline script, the {@link Cli} and plain values only.
 */
class Release implements Serializable {

    private static final long serialVersionUID = 1L

    private final Object steps
    private final Cli cli
    private final Map config
    private final String name
    private final String dir
    private final String failResult
    private final HostSteps hostSteps
    private Map schedule
    private String id
    /** Service to its stage's outcome (Outcomes.service or Outcomes.skipped), as stages end. */
    private final Map stages = [:]
    /** Host to 'begun', 'finished' or 'ended': which hosts an abort must still end. */
    private final Map hostStates = [:]
    /** Host to the JSON report its finish or abort wrote. */
    private final Map reports = [:]
    private String error
    private Map rollback
    /** The aborts (stop button, timeout) the validation branches met, first first. */
    private final List aborts = []
    private ServiceStages services

    /**
     * @param steps  the pipeline script ({@code this} in a var)
     * @param cli    the CLI, settings resolved
     * @param config titanDeploy's settings, name claimed
     */
    Release(Object steps, Cli cli, Map config) {
        this.steps = steps
        this.cli = cli
        this.config = config
        this.name = config.name
        this.dir = config.reportDir
        this.failResult = config.failBuild ? 'FAILURE' : 'UNSTABLE'
        this.hostSteps = new HostSteps(steps, cli, config)
    }

    /** Carries the release out and returns titanDeploy's Map; an abort ends it first, then goes on up. */
    Map run() {
        plan()
        try {
            deployAndEnd()
        } catch (InterruptedException interruption) {
            // Stop button or timeout, also during a rollback: every host the release is still open on gets
            // its previous release back before the step ends ABORTED.
            throw abortAfter(interruption)
        }
        return conclude()
    }

    /**
     * Begins, deploys, validates and finishes, within the 'timeout' when there is one; after a failure,
     * or once the timeout ran out, ends the release where it is open (outside the timeout: a rollback
     * must not be cut short by the bound it is undoing).
     */
    private void deployAndEnd() {
        try {
            bounded {
                beginAll()
                services = new ServiceStages(steps, hostSteps, config, schedule, stages)
                services.deployAll()
                error = Outcomes.firstFailure(schedule, stages)
                if (!error && config.validate && schedule.validation) {
                    error = validateAll()
                }
                if (!error) {
                    finishAll()
                }
            }
        } catch (InterruptedException interruption) {
            timedOutOrThrow(interruption)
        } catch (Exception failure) { // groovylint-disable-line CatchException
            List met = (services?.aborts ?: []) + aborts
            if (met) {
                // parallel throws an ordinary failure of one branch ahead of another's interruption
                // (ParallelStep's comparator): the build was interrupted all the same.
                timedOutOrThrow((InterruptedException) met[0])
            } else {
                // Any other failure (a host refused, a bug) ends the release where it is open, then goes on up.
                error = error ?: failure.message
                endAll(failure.message)
                throw failure
            }
        }
        if (error) {
            endAll(error)
        }
    }

    /**
     * Our own 'timeout' ran out: the release failed (once the timeout step has ended, its interruption is no
     * actual one, JENKINS-51454). Anything else is an abort, thrown on.
     */
    private void timedOutOrThrow(InterruptedException interruption) {
        if (!config.timeout || !Interruptions.timedOut(interruption)) {
            throw interruption
        }
        error = "did not finish within ${config.timeout} (titanDeploy's 'timeout')".toString()
    }

    /** Runs {@code body} within the 'timeout' ({@code timeout} step, which interrupts it once it runs out). */
    private void bounded(Closure body) {
        if (!config.timeout) {
            body()
            return
        }
        steps.timeout(time: Settings.seconds(config.timeout as String), unit: 'SECONDS') {
            body()
        }
    }

    /**
     * dryRun: what a deploy would do on each host ({@code plan --diff} on its agent, in a 'plan' stage),
     * touching nothing. Returns {@code [dryRun: true, name, services: [[name, action, reasons]], orphans]}.
     */
    Map preview() {
        plan()
        List services = []
        List orphans = []
        List hosts = (List) schedule.hosts
        for (int i = 0; i < hosts.size(); i++) {
            Map host = (Map) hosts[i]
            hostSteps.onHost(host) {
                steps.stage(hostSteps.stageName('plan', host)) {
                    Map diff = hostSteps.preview(host)
                    steps.echo(Reports.planTable(diff))
                    services.addAll((List) diff.services ?: [])
                    orphans.addAll((List) diff.orphans ?: [])
                }
            }
        }
        return [dryRun: true, name: name, services: services, orphans: orphans]
    }

    private void plan() {
        String out = "${dir}/${name}-plan.json"
        String err = "${dir}/${name}-plan.stderr"
        int rc = cli.run(label: "titan-deploy plan (${name})", args: ['plan', '--json', '--config', config.config],
                dir: dir, outputs: [out], err: err, stdout: out)
        if (rc != 0) {
            cli.failWithoutReport(rc, err)
        }
        Map planned = Schedule.of((Map) Json.parseLastLine(cli.read(out), out), Args.only(config.only))
        if (planned.problem) {
            steps.error("titanDeploy: ${planned.problem}")
        }
        schedule = planned
        id = Schedule.releaseId(steps.env.JOB_NAME as String, steps.env.BUILD_NUMBER as String, name)
        hostSteps.start(schedule, id)
    }

    private void beginAll() {
        List hosts = (List) schedule.hosts
        for (int i = 0; i < hosts.size(); i++) {
            Map host = (Map) hosts[i]
            hostSteps.onHost(host) {
                // Until begin answers, the release may or may not hold the host: an abort then ends it there too.
                hostStates[host.name] = 'beginning'
                if (!hostSteps.begin(host)) {
                    hostStates[host.name] = 'refused'
                    steps.error(hostSteps.refusal as String)
                }
                hostStates[host.name] = 'begun'
            }
        }
    }

    /** A validation stage per host (side by side when there are several); the first failure, or null. */
    private String validateAll() {
        List hosts = (List) schedule.hosts
        Map failures = [:]
        if (hosts.size() == 1) {
            validate((Map) hosts[0], failures)
        } else {
            Map branches = [:]
            for (int i = 0; i < hosts.size(); i++) {
                Map host = (Map) hosts[i]
                branches[hostSteps.stageName('validation', host)] = {
                    try {
                        validate(host, failures)
                    } catch (InterruptedException interruption) {
                        aborts << interruption
                        throw interruption
                    }
                }
            }
            steps.parallel(branches)
        }
        for (int i = 0; i < hosts.size(); i++) {
            String failure = failures[((Map) hosts[i]).name]
            if (failure) {
                return failure
            }
        }
        return null
    }

    void validate(Map host, Map failures) {
        hostSteps.onHost(host) {
            steps.stage(hostSteps.stageName('validation', host)) {
                Map verdict = hostSteps.validate(host)
                if (verdict.passed) {
                    steps.echo(verdict.line as String)
                } else {
                    failures[host.name] = verdict.line
                    steps.catchError(buildResult: failResult, stageResult: 'FAILURE', catchInterruptions: false) {
                        steps.error(verdict.line as String)
                    }
                }
            }
        }
    }

    private void finishAll() {
        List hosts = (List) schedule.hosts
        for (int i = 0; i < hosts.size(); i++) {
            Map host = (Map) hosts[i]
            hostSteps.onHost(host) {
                // Until finish answers, the release may or may not be accepted there.
                hostStates[host.name] = 'finishing'
                Map finished = hostSteps.finish(host)
                reports[host.name] = finished.report
                if (finished.ok) {
                    hostStates[host.name] = 'finished'
                } else {
                    hostStates[host.name] = 'begun'
                    error = error ?: finished.line
                }
            }
        }
    }

    /**
     * Ends the release on every host it may still be open on, one host after another (in the reverse of
     * the order their first service comes in the plan; each host's abort restores its own part and waits
     * for no other, so the order does not change the result): restored in a rollback stage, or with
     * {@code rollback: false} left as it is (and the host freed). The rollback
     * stage cannot recolour the stages of services that had deployed: it names each one it put back
     * with {@code unstable}, which makes it UNSTABLE; FAILURE when a host could not be restored.
     */
    private void endAll(String reason) {
        List open = []
        List hosts = (List) schedule?.hosts ?: []
        for (int i = hosts.size() - 1; i >= 0; i--) {
            if (Outcomes.OPEN_STATES.contains(hostStates[((Map) hosts[i]).name])) {
                open << hosts[i]
            }
        }
        if (!open) {
            return
        }
        if (!config.rollback) {
            for (int i = 0; i < open.size(); i++) {
                Map host = (Map) open[i]
                hostSteps.onHost(host) {
                    steps.echo(end(host, reason, true).line as String)
                }
            }
            return
        }
        List<String> failures = []
        boolean putBack = false
        List lost = Outcomes.lostHosts(stages)
        steps.stage(Stages.name(name, 'rollback')) {
            for (int i = 0; i < open.size(); i++) {
                Map host = (Map) open[i]
                if (lost.contains(host.name)) {
                    // node() would wait for that agent for as long as it is gone.
                    String line = "${host.name}: rollback not possible: its agent ${host.agent} went away; the " +
                            'release stays open there until its lease runs out (the next titan-deploy there restores it)'
                    failures << line
                    failStage("${line}, or run ${hostSteps.byHand('release abort', host)}")
                    continue
                }
                hostSteps.onHost(host) {
                    Map restore = end(host, reason, false)
                    if (restore.restored) {
                        steps.echo(restore.line as String)
                        putBack = putBack || restore.putBack
                        List rolledBack = (List) restore.rolledBack
                        for (int j = 0; j < rolledBack.size(); j++) {
                            String line = "${rolledBack[j]} rolled back: it deployed, but its release failed"
                            steps.unstable(line)
                        }
                    } else {
                        failures << (restore.line as String)
                        failStage("${restore.line}; ${hostSteps.byHand('release abort', host)}")
                    }
                }
            }
        }
        rollback = [success: !failures, message: failures ? failures.join('; ') : 'previous release restored',
                    putBack: putBack]
    }

    /** Fails the build and the stage it runs in with {@code message}, and goes on. */
    private void failStage(String message) {
        steps.catchError(buildResult: 'FAILURE', stageResult: 'FAILURE', catchInterruptions: false) {
            steps.error(message)
        }
    }

    /** {@code release abort} on one host, read in the light of where the release was there; returns the restore. */
    Map end(Map host, String reason, boolean keep) {
        String state = hostStates[host.name]
        if (state == 'begun') {
            // Until the abort answers: cut off, it may have ended the release there already.
            hostStates[host.name] = 'aborting'
        }
        Map ended = hostSteps.abort(host, reason, keep, state == 'finishing')
        Map restore = Outcomes.ended(state, (Map) ended.restore)
        hostStates[host.name] = restore.finished ? 'finished' : 'ended'
        reports[host.name] = restore.finished ? hostSteps.finishReport(host) : ended.report
        return restore
    }

    /**
     * After an abort: the rollback stage ends the release on every host, the outcome goes into the
     * build description, and the interruption is returned for the caller to rethrow (the build ends
     * ABORTED). Interrupted again meanwhile, it says what to run by hand and goes on up.
     */
    private InterruptedException abortAfter(InterruptedException interruption) {
        try {
            endAll('the build was aborted')
        } catch (InterruptedException again) {
            List<String> byHand = []
            List hosts = (List) schedule.hosts
            for (int i = 0; i < hosts.size(); i++) {
                if (Outcomes.OPEN_STATES.contains(hostStates[((Map) hosts[i]).name])) {
                    byHand << hostSteps.byHand('release abort', (Map) hosts[i])
                }
            }
            steps.echo("titanDeploy: rollback interrupted: run ${byHand.join('; ')} (or let the release's lease run "
                    + 'out: the next titan-deploy on that host restores it)')
            throw again
        }
        Map abort = Reports.abortSummary(name, [restored: rollback == null || rollback.success, release: id,
                                                summary : Outcomes.afterAbort(rollback, hostStates)])
        cli.describe(abort.text as String)
        cli.summarize(abort)
        return interruption
    }

    /** The build description and summary, the Map titanDeploy returns, and the step's end on a failure. */
    private Map conclude() {
        Map report = Outcomes.release(schedule, id, reports, stages, [error: error, rollback: rollback])
        steps.echo(Reports.deployLog(report, name))
        cli.describe(Reports.deploySummary(report, name))
        cli.summarize(Reports.buildSummary(report, name))
        Map result = Reports.deployResult(report)
        result.name = name
        if (!result.success) {
            String message = "titanDeploy: ${name}: ${Reports.deployFailure(report)}"
            if (config.failBuild) {
                steps.error(message)
            }
            steps.unstable(message)
        }
        return result
    }
}
