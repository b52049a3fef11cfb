package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * What titanDeploy makes of the CLI's answers during a release it schedules: one service's outcome
 * from {@code release service --json}, one host's restore from {@code release abort}, and the whole
 * release, merged from every host's report, in the shape of a deploy report (docs/reports.md) so that
 * {@link Reports} words it as before. Pure functions on plain Maps and Lists: no steps.
 */
final class Outcomes implements Serializable {

    private static final long serialVersionUID = 1L

    /** Where a release may still be open on a host, so that ending it means a {@code release abort} there. */
    static final List<String> OPEN_STATES = ['beginning', 'begun', 'finishing', 'aborting']

    private Outcomes() {
    }

    /**
     * A service's outcome as the CLI gives it in the last JSON line of {@code stdout}: its status, time,
     * downtime ({@code downtimeMs}, {@code failedProbes}: null when not measured), message, the stage
     * result it gives the service ({@code stageResult}; FAILURE when the CLI failed, whatever it says, or
     * gave none) and its own line for it ({@code titan-brain deployed in 0.4 s, unavailable 0 ms}).
     * Without an answer (a crash, bad input) the service failed, with {@code stderr}'s last line as the
     * reason. {@code step}: {@code [name, host, release]}; an answer of another release (a file left by
     * an earlier build, when the script never ran) is no answer.
     */
    @NonCPS
    static Map service(Map step, int rc, String stdout, String stderr) {
        Map answer = lastJson(stdout)
        if (answer.status && (!answer.release || answer.release == step.release)) {
            return [name      : step.name, host: step.host, status: answer.status, durationMs: answer.durationMs,
                    downtimeMs: answer.downtimeMs, failedProbes: answer.failedProbes, message: answer.message,
                    soakMs    : answer.soakMs, line: answer.line,
                    result    : rc == 0 && answer.stageResult ? answer.stageResult : Schedule.FAILURE]
        }
        String why = Cli.lastLine(stderr ?: '')
        return failed(step.name as String, step.host as String,
                "titan-deploy exited ${rc} without an answer${why ? ': ' + why : ''}".toString())
    }

    /** A service whose step ended because its host's agent went away ({@code why}: Jenkins' words for it). */
    @NonCPS
    static Map lost(String name, String host, String agent, String why) {
        Map service = failed(name, host, "its host's agent ${agent ?: 'of this build'} went away (${why})".toString())
        service.lost = true
        return service
    }

    /** A service the CLI gave no answer for: it failed, for {@code why}. */
    @NonCPS
    private static Map failed(String name, String host, String why) {
        return [name: name, host: host, status: 'failed', message: why, result: Schedule.FAILURE,
                line: "${name} failed: ${why}".toString()]
    }

    /** A service that never started: NOT_BUILT, and why. */
    @NonCPS
    static Map skipped(String name, String host, String reason) {
        return [name: name, host: host, status: 'skipped', message: reason, result: 'NOT_BUILT',
                line: "${name} not deployed (skipped): ${reason}".toString()]
    }

    /**
     * What {@code release abort} did on one host, from its report ({@code report}, null when it wrote
     * none) and exit code: {@code [restored, rolledBack: [services whose stage the report makes UNSTABLE:
     * they had deployed, now put back], line]} (the line names every service the release had started,
     * the one that failed too), the line starting with {@code where} ('' or {@code 'host-a: '}). With
     * {@code keep} ({@code rollback: false}) it only ended the release and freed the host.
     */
    @NonCPS
    static Map restore(String where, int rc, Map report, String stderr, boolean keep) {
        List<String> rolledBack = []
        List<String> putBack = []
        for (Object o : (List) report?.services ?: []) {
            Map s = (Map) o
            if (s.stageResult == 'UNSTABLE') {
                rolledBack << (s.name as String)
            }
            if (s.startedAt) {
                putBack << (s.name as String)
            }
        }
        String why = Cli.lastLine(stderr ?: '')
        if (keep) {
            return [restored: rc == 0, rolledBack: [],
                    line    : (rc == 0 ? "${where}release left as it is (rollback: false); the host is free"
                            : "${where}titan-deploy release abort --keep exited ${rc}: ${why}").toString()]
        }
        if (rc == 0) {
            String what = putBack ? "the previous release runs again (put back: ${putBack.join(', ')})"
                    : 'nothing to restore (no service had started)'
            return [restored: true, putBack: !putBack.isEmpty(), rolledBack: rolledBack,
                    line    : "${where}rollback: ${what}".toString()]
        }
        String message = report?.rollback?.message ?: why
        return [restored: false, rolledBack: rolledBack, rc: rc, where: where,
                line    : "${where}rollback FAILED (exit ${rc}): ${message}".toString()]
    }

    /**
     * {@code restore} read in the light of where the release was on the host ({@code state}): after a
     * begin, a finish or an abort that an abort cut off before it answered, exit 2 (bad input, nothing
     * changed: the release is not open there) means it never began there, had finished there and runs,
     * or the cut-off abort had ended it. Adds {@code finished} when it had finished.
     */
    @NonCPS
    static Map ended(String state, Map restore) {
        if (restore.restored || restore.rc != 2 || !(state in ['beginning', 'finishing', 'aborting'])) {
            return restore
        }
        if (state == 'aborting') {
            String line = "${restore.where}rollback: done by the abort that was cut off " +
                    '(the release is no longer open there)'
            return [restored: true, putBack: true, rolledBack: [], line: line]
        }
        if (state == 'beginning') {
            String line = "${restore.where}rollback: nothing to restore (the release had not begun there)"
            return [restored: true, rolledBack: [], line: line]
        }
        return [restored: true, rolledBack: [], finished: true,
                line    : "${restore.where}rollback: not needed, the release had finished there and runs".toString()]
    }

    /**
     * The whole release as one deploy report: {@code success}, {@code releaseId} (the release's name,
     * the same on every host), {@code rolledBack}, {@code outcome}, {@code error}, {@code rollback} and
     * the services in plan order. A service's entry comes from its host's report where there is one
     * ({@code reports}, host to report), else from its stage ({@code stages}, service to outcome).
     * {@code ending}: {@code [error, rollback: null | [success, message], kept]}.
     */
    @NonCPS
    static Map release(Map schedule, String releaseId, Map reports, Map stages, Map ending) {
        List services = []
        for (Object n : (List) schedule.order) {
            Map planned = (Map) ((Map) schedule.services)[n]
            Map fromReport = (Map) ((List) ((Map) reports[planned.host])?.services ?: [])
                    .find { Object s -> ((Map) s).name == n }
            Map fromStage = (Map) stages[n]
            Map s = fromReport ?: fromStage ?: skipped(n as String, planned.host as String, 'not started')
            // A report holds the downtime in an object of its own; a stage's outcome, as the CLI answered it.
            Map downtime = fromReport ? ((Map) fromReport.downtime ?: [:]) : s
            String line = fromStage?.line
            if (line && fromReport && fromReport.status != fromStage.status) {
                line += " (then ${fromReport.status}${fromReport.message ? ': ' + fromReport.message : ''})"
            }
            services << [name      : n, host: planned.host, level: planned.level, status: s.status,
                         stageResult: fromReport ? s.stageResult : s.result, durationMs: s.durationMs,
                         downtimeMs: downtime.downtimeMs, failedProbes: downtime.failedProbes, message: s.message,
                         line      : line]
        }
        Map rollback = (Map) ending.rollback
        String error = ending.error
        boolean success = error == null
        String outcome = success ? 'success' : rollback == null ? 'failed'
                : rollback.success ? 'rolled-back' : 'rollback-failed'
        return [success : success, releaseId: releaseId, rolledBack: rollback != null && rollback.success as boolean,
                outcome : outcome, error: error, rollback: rollback, services: services]
    }

    /** The hosts whose agent went away during a service's step. */
    @NonCPS
    static List<String> lostHosts(Map stages) {
        return stages.values().findAll { Object s -> ((Map) s).lost }.collect { Object s -> ((Map) s).host as String }
                .unique()
    }

    /**
     * The first stage the CLI did not make SUCCESS (the skipped ones the steps mark NOT_BUILT aside), as
     * the release's error: {@code titan-brain did not become healthy ...}.
     */
    @NonCPS
    static String firstFailure(Map schedule, Map stages) {
        for (Object n : (List) schedule.order) {
            Map s = (Map) stages[n]
            if (s != null && !(s.result in [Schedule.SUCCESS, 'NOT_BUILT'])) {
                return (s.message ?: "${n} ${s.status}") as String
            }
        }
        return null
    }

    /** What an abort left, for the build description: after the rollback, or why none was needed. */
    @NonCPS
    static String afterAbort(Map rollback, Map hostStates) {
        if (rollback != null && !rollback.success) {
            return 'PREVIOUS RELEASE NOT CONFIRMED'
        }
        if (rollback?.putBack) {
            return 'previous release restored'
        }
        if (hostStates && hostStates.values().every { Object s -> s == 'finished' }) {
            return 'it had finished and is running'
        }
        return rollback == null && hostStates ? 'left as it is (rollback: false)' : 'nothing had been deployed yet'
    }

    /** The last JSON object line of {@code text}; empty when there is none. */
    @NonCPS
    private static Map lastJson(String text) {
        try {
            Object value = Json.parseLastLine(text ?: '', 'titan-deploy')
            return value in Map ? (Map) value : [:]
        } catch (IllegalArgumentException none) {
            return [:]
        }
    }
}
