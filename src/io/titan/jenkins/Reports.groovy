package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Turns the CLI's reports (docs/reports.md) into what the Jenkins steps show: one-line verdicts and
 * summaries, failure messages and the Maps the steps return. Pure functions on plain Maps and Lists,
 * so they run outside CPS and are tested without Jenkins.
 */
final class Reports implements Serializable {

    private static final long serialVersionUID = 1L

    /** The Badge plugin (2.x) icon of a release's summary line, by outcome (Ionicons API symbols). */
    private static final Map<String, String> OUTCOME_ICONS = [
            'success'        : 'symbol-checkmark-circle plugin-ionicons-api',
            'rolled-back'    : 'symbol-arrow-undo-circle plugin-ionicons-api',
            'rollback-failed': 'symbol-alert-circle plugin-ionicons-api',
            'failed'         : 'symbol-close-circle plugin-ionicons-api',
            'aborted'        : 'symbol-stop-circle plugin-ionicons-api',
    ]

    private Reports() {
    }

    /** {@code plan --diff --json} as lines a person reads: {@code titan-brain  restart  code, env LOG_LEVEL}. */
    @NonCPS
    static String planTable(Map plan) {
        List<String> lines = ['What a deploy would do:']
        List rows = ((List) plan.services ?: []) + ((List) plan.orphans ?: [])
        for (Object row : rows) {
            Map change = (Map) row
            List reasons = (List) change.reasons ?: []
            lines << String.format('  %-24s %-10s %s', change.name, change.action, reasons.join('; '))
        }
        return lines.join('\n')
    }

    /**
     * {@code prod-a: release 20261202T031904123Z-0000: 3 deployed} / {@code prod-a: release ...: FAILED at
     * titan-brain, 2 skipped, previous release restored}: call {@code call}'s line of the build description.
     */
    @NonCPS
    static String deploySummary(Map report, String call) {
        List services = report.services ?: []
        List<String> failed = []
        Map<String, Integer> counts = [:]
        for (Object o : services) {
            Map s = (Map) o
            if (s.stageResult == 'FAILURE') {
                failed << (s.name as String)
            } else {
                counts[s.status as String] = (counts[s.status as String] ?: 0) + 1
            }
        }
        List<String> parts = []
        if (!report.success) {
            parts << (failed ? "FAILED at ${failed.join(', ')}".toString() : 'FAILED')
        }
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            parts << "${count.value} ${count.key}".toString()
        }
        String outcome = report.outcome
        if (outcome == 'rolled-back') {
            parts << 'previous release restored'
        } else if (outcome == 'rollback-failed') {
            parts << 'ROLLBACK FAILED'
        }
        return "${call}: release ${report.releaseId}: ${parts.join(', ')}".toString()
    }

    /**
     * The release for the step's log: {@link #deploySummary}, then each service's line as the CLI gave
     * it in its stage, with what replacing it cost in availability ({@code titan-brain deployed in 0.4 s,
     * unavailable 0 ms}).
     */
    @NonCPS
    static String deployLog(Map report, String call) {
        List<String> lines = [deploySummary(report, call)]
        for (Object o : report.services ?: []) {
            Map s = (Map) o
            if (s.line) {
                lines << "  ${s.line}".toString()
            }
        }
        return lines.join('\n')
    }

    /** {@code current} with {@code line} added as a line of its own ({@code line} alone when there was none). */
    @NonCPS
    static String addLine(String current, String line) {
        return current ? "${current}\n${line}".toString() : line
    }

    /** Why a deployment failed, naming the service and the cause, and what became of the target. */
    @NonCPS
    static String deployFailure(Map report) {
        Map failed = (Map) (report.services ?: []).find { Object s -> ((Map) s).stageResult == 'FAILURE' }
        String cause = failed ? "${failed.name} failed: ${failed.message ?: report.error}"
                : "${report.error ?: 'failed'}"
        String after
        switch (report.outcome) {
            case 'rolled-back':
                after = 'rolled back to the previous release'
                break
            case 'rollback-failed':
                after = "ROLLBACK FAILED, manual action needed: ${report.rollback?.message ?: ''}"
                break
            default:
                after = 'not rolled back'
        }
        return "release ${report.releaseId}: ${cause} (${after})".toString()
    }

    /** What titanDeploy returns: plain values only. */
    @NonCPS
    static Map deployResult(Map report) {
        List services = []
        for (Object o : (report.services ?: [])) {
            Map s = (Map) o
            services << [name        : s.name, status: s.status, durationMs: s.durationMs, downtimeMs: s.downtimeMs,
                         failedProbes: s.failedProbes, message: s.message]
        }
        return [success   : report.success as Boolean,
                releaseId : report.releaseId,
                rolledBack: report.rolledBack as Boolean,
                outcome   : report.outcome,
                error     : report.error,
                services  : services]
    }

    /** What titanValidate returns: plain values only. */
    @NonCPS
    static Map validateResult(Map report) {
        List checks = []
        for (Object o : (report.checks ?: [])) {
            Map c = (Map) o
            checks << [name   : c.name, kind: c.kind, target: c.target, required: c.required as Boolean,
                       success: c.success as Boolean, durationMs: c.durationMs, message: c.message]
        }
        return [success: report.success as Boolean, durationMs: report.durationMs, checks: checks]
    }

    /** {@code 2 of 5 required checks failed: redis (connection refused), titan-brain (503)}. */
    @NonCPS
    static String validateFailure(Map report) {
        List checks = report.checks ?: []
        List required = checks.findAll { Object c -> ((Map) c).required }
        List failed = required.findAll { Object c -> !((Map) c).success }
        String which = failed.collect { Object o ->
            Map c = (Map) o
            c.message ? "${c.name} (${c.message})" : c.name
        }.join(', ')
        return "${failed.size()} of ${required.size()} required checks failed: ${which}".toString()
    }

    /** {@code validation passed: 5 checks, 1 optional warning}. */
    @NonCPS
    static String validateSummary(Map report) {
        List checks = report.checks ?: []
        int warnings = checks.count { Object c -> !((Map) c).required && !((Map) c).success } as int
        String verdict = report.success ? 'passed' : 'FAILED'
        String optional = warnings ? ", ${warnings} optional failed" : ''
        return "validation ${verdict}: ${checks.size()} checks${optional}".toString()
    }

    /**
     * The topology services that are down, each with why, as the CLI's {@code status --report} says
     * ({@code down} on their rows; several rows for a service in cluster mode): {@code titan-console
     * (stopped in PM2 after 3 restarts)}.
     */
    @NonCPS
    static List<String> offline(List processes) {
        List<String> out = []
        for (Object o : processes) {
            Map p = (Map) o
            String line = "${p.name} (${p.down})"
            if (p.down && !out.contains(line)) {
                out << line
            }
        }
        return out
    }

    /**
     * The Badge plugin's view of a release: a summary line (the call's line of the build description)
     * with an icon for its outcome, and a warning badge when it was rolled back or its rollback failed.
     */
    @NonCPS
    static Map buildSummary(Map report, String call) {
        String outcome = report.outcome
        Map badge = null
        if (outcome == 'rolled-back') {
            badge = [icon : 'symbol-warning plugin-ionicons-api', style: 'color: var(--warning-color)',
                     text : "release ${report.releaseId} rolled back to the previous release".toString()]
        } else if (outcome == 'rollback-failed') {
            badge = [icon : 'symbol-warning plugin-ionicons-api', style: 'color: var(--error-color)',
                     text : "release ${report.releaseId}: ROLLBACK FAILED, manual action needed".toString()]
        }
        return [icon : OUTCOME_ICONS[outcome] ?: OUTCOME_ICONS.failed, text: deploySummary(report, call), badge: badge]
    }

    /**
     * Call {@code call}'s line of the build description after an abort, and its Badge summary, from
     * {@code recovery}: {@code [restored, release, summary]} (what the rollback left).
     */
    @NonCPS
    static Map abortSummary(String call, Map recovery) {
        String release = recovery.release ? "release ${recovery.release}" : 'deploy'
        String after = recovery.restored ? recovery.summary : 'PREVIOUS RELEASE NOT CONFIRMED, manual action needed'
        Map badge = recovery.restored ? null : [icon : 'symbol-warning plugin-ionicons-api',
                                                style: 'color: var(--error-color)',
                                                text : "${call}: aborted, previous release NOT CONFIRMED".toString()]
        return [icon: OUTCOME_ICONS.aborted, text: "${call}: ${release}: ABORTED, ${after}".toString(), badge: badge]
    }
}
