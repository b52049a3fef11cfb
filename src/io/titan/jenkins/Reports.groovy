package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Turns the CLI's reports and events (docs/reports.md) into what the Jenkins steps show: per-service
 * log sections, stage results, one-line summaries, failure messages and the Maps the steps return.
 * Pure functions on plain Maps and Lists, so they run outside CPS and are tested without Jenkins.
 */
final class Reports implements Serializable {

    private static final long serialVersionUID = 1L

    /** Service statuses whose node is green. */
    static final List<String> OK_STATUSES = ['deployed', 'unchanged']
    /** Service statuses whose node is "not built": the service was never started. */
    static final List<String> NOT_STARTED_STATUSES = ['skipped', 'pending']

    /** The Badge plugin (2.x) icon of a release's summary line, by outcome (Ionicons API symbols). */
    private static final Map<String, String> OUTCOME_ICONS = [
            'success'        : 'symbol-checkmark-circle plugin-ionicons-api',
            'rolled-back'    : 'symbol-arrow-undo-circle plugin-ionicons-api',
            'rollback-failed': 'symbol-alert-circle plugin-ionicons-api',
            'failed'         : 'symbol-close-circle plugin-ionicons-api',
            'aborted'        : 'symbol-stop-circle plugin-ionicons-api',
    ]

    /** Event fields every line starts with, so they are not repeated as key=value. */
    private static final List<String> EVENT_HEADER = ['type', 'at', 'releaseId', 'service']
    /** The order of the other fields in an event's line (NDJSON objects come back unordered). */
    private static final List<String> EVENT_FIELDS = ['name', 'kind', 'target', 'required', 'success', 'level',
                                                      'durationMs', 'soaked', 'action', 'reason', 'message']

    private Reports() {
    }

    /** The report's services grouped by dependency level, lowest first, in report (plan) order within a level. */
    @NonCPS
    static List<List<String>> levels(Map report) {
        Map<Integer, List<String>> byLevel = new TreeMap<Integer, List<String>>()
        for (Object s : (report.services ?: [])) {
            Map service = (Map) s
            int level = service.level == null ? 0 : (service.level as int)
            if (!byLevel.containsKey(level)) {
                byLevel.put(level, new ArrayList<String>())
            }
            byLevel.get(level).add(service.name as String)
        }
        return new ArrayList<List<String>>(byLevel.values())
    }

    /**
     * The nodes titanDeploy shows for call {@code call}, grouped as they run: one list per dependency
     * level with a Map per service, then ['validation'] and ['rollback'] when those ran. Each Map holds
     * the stage's name ({@code call: subject}), its log (the subject's events), a one-line verdict, the
     * stage result and, for a FAILURE stage, the build result it causes: {@code failResult}, which is
     * FAILURE, or UNSTABLE with {@code failBuild: false} (the culprit's stage stays red either way).
     */
    @NonCPS
    static List<List<Map>> nodes(Map report, List events, String failResult, String call) {
        List<List<Map>> nodes = []
        for (List<String> level : levels(report)) {
            List<Map> group = []
            for (String name : level) {
                Map service = (Map) (report.services ?: []).find { Object s -> ((Map) s).name == name }
                String result = stageResult(service.status as String)
                group << [name       : Stages.name(call, name), log: serviceLog(events, name),
                          line       : serviceLine(service), result: result,
                          buildResult: result == 'FAILURE' ? failResult : null]
            }
            nodes << group
        }
        Boolean validated = validationPassed(events)
        if (validated != null) {
            nodes << [[name       : Stages.name(call, 'validation'), log: validationLog(events),
                       line       : validated ? 'validation passed' : validationFailure(events),
                       result     : validated ? 'SUCCESS' : 'FAILURE', buildResult: validated ? null : failResult]]
        }
        Map rollback = (Map) report.rollback
        if (rollback != null) {
            boolean restored = rollback.success as boolean
            // A failed rollback leaves the target in an unknown state: FAILURE even with failBuild: false.
            String message = rollback.message ?: (restored ? 'previous release restored' : 'failed')
            nodes << [[name       : Stages.name(call, 'rollback'), log: rollbackLog(events),
                       line       : (restored ? "rollback: ${message}" : "rollback FAILED: ${message}").toString(),
                       result     : restored ? 'SUCCESS' : 'FAILURE',
                       buildResult: restored ? null : 'FAILURE']]
        }
        return nodes
    }

    /**
     * The stage result of a service's node: deployed or unchanged SUCCESS; failed FAILURE; skipped or
     * pending NOT_BUILT (never started). A rolled-back service deployed fine but belonged to a failed
     * release: UNSTABLE, so the red node stays the service that caused the rollback.
     */
    @NonCPS
    static String stageResult(String status) {
        if (status in OK_STATUSES) {
            return 'SUCCESS'
        }
        if (status in NOT_STARTED_STATUSES) {
            return 'NOT_BUILT'
        }
        if (status == 'rolled-back') {
            return 'UNSTABLE'
        }
        return 'FAILURE'
    }

    /** {@code validation failed: redis (connection refused)}: the required checks that failed, from the events. */
    @NonCPS
    static String validationFailure(List events) {
        List failed = events.findAll { Object o ->
            Map e = (Map) o
            e.type == 'validation:check' && !e.success && e.required != false
        }.collect { Object o ->
            Map e = (Map) o
            e.message ? "${e.name} (${e.message})".toString() : e.name
        }
        return failed ? "validation failed: ${failed.join(', ')}".toString() : 'validation failed'
    }

    /** One line saying what happened to a service, for its node's log and its error. */
    @NonCPS
    static String serviceLine(Map service) {
        String name = service.name
        String status = service.status
        String message = service.message ? ": ${service.message}" : ''
        switch (status) {
            case 'deployed':
                return "${name} deployed in ${seconds(service.durationMs)}${message}".toString()
            case 'unchanged':
                return "${name} unchanged${message}".toString()
            case 'failed':
                return "${name} failed${message}".toString()
            case 'rolled-back':
                return "${name} rolled back: it deployed, but its release failed${message}".toString()
            case 'skipped':
                return "${name} not deployed (skipped)${message}".toString()
            default:
                return "${name} ${status}${message}".toString()
        }
    }

    /** The events about one service, one line each ({@code 12:04:05.210 service:deployed durationMs=812}). */
    @NonCPS
    static String serviceLog(List events, String name) {
        return lines(events.findAll { Object e -> ((Map) e).service == name })
    }

    /** The rollback's events (rollback:started, service:rolled-back, rollback:completed). */
    @NonCPS
    static String rollbackLog(List events) {
        return lines(events.findAll { Object e ->
            String type = ((Map) e).type
            type.startsWith('rollback:') || type == 'service:rolled-back'
        })
    }

    /** The validation's events (validation:started, validation:check, validation:completed). */
    @NonCPS
    static String validationLog(List events) {
        return lines(events.findAll { Object e -> ((Map) e).type?.toString()?.startsWith('validation:') })
    }

    /** Whether the events contain a validation run, and whether it passed (null when none ran). */
    @NonCPS
    static Boolean validationPassed(List events) {
        Map completed = (Map) events.reverse().find { Object e -> ((Map) e).type == 'validation:completed' }
        if (completed != null) {
            return completed.success as Boolean
        }
        return events.any { Object e -> ((Map) e).type == 'validation:started' } ? Boolean.FALSE : null
    }

    @NonCPS
    private static String lines(List events) {
        List<String> out = []
        for (Object o : events) {
            Map e = (Map) o
            String at = e.at ? e.at.toString() : ''
            String time = at.length() >= 23 ? at.substring(11, 23) : at
            List<String> fields = []
            List keys = EVENT_FIELDS.findAll { Object k -> e.containsKey(k) } +
                    new TreeSet(e.keySet()).findAll { Object k -> !(k in EVENT_FIELDS) && !(k in EVENT_HEADER) }
            for (Object k : keys) {
                if (e[k] != null) {
                    fields << "${k}=${e[k]}".toString()
                }
            }
            String subject = e.service ? " ${e.service}" : ''
            out << "${time} ${e.type}${subject}${fields ? ' ' + fields.join(' ') : ''}".toString()
        }
        return out.join('\n')
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
        Map<String, Integer> counts = [:]
        for (Object s : services) {
            String status = ((Map) s).status
            counts[status] = (counts[status] ?: 0) + 1
        }
        List<String> parts = []
        if (!report.success) {
            List failed = services.findAll { Object s -> ((Map) s).status == 'failed' }
                    .collect { Object s -> ((Map) s).name }
            parts << (failed ? "FAILED at ${failed.join(', ')}".toString() : 'FAILED')
        }
        ['deployed', 'unchanged', 'rolled-back', 'skipped', 'pending'].each { String status ->
            if (counts[status]) {
                parts << "${counts[status]} ${status}".toString()
            }
        }
        String outcome = report.outcome
        if (outcome == 'rolled-back') {
            parts << 'previous release restored'
        } else if (outcome == 'rollback-failed') {
            parts << 'ROLLBACK FAILED'
        }
        return "${call}: release ${report.releaseId}: ${parts.join(', ')}".toString()
    }

    /** {@code current} with {@code line} added as a line of its own ({@code line} alone when there was none). */
    @NonCPS
    static String addLine(String current, String line) {
        return current ? "${current}\n${line}".toString() : line
    }

    /** Why a deployment failed, naming the service and the cause, and what became of the target. */
    @NonCPS
    static String deployFailure(Map report) {
        Map failed = (Map) (report.services ?: []).find { Object s -> ((Map) s).status == 'failed' }
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
            services << [name: s.name, status: s.status, durationMs: s.durationMs, message: s.message]
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
     * Topology services that PM2 does not show online, with what it shows instead, from the CLI's
     * {@code status --report} (topology services first, in plan order; several rows for a service in
     * cluster mode; {@code inPm2: false} for one PM2 does not know).
     */
    @NonCPS
    static List<String> offline(List processes) {
        List<String> out = []
        Map<String, List<String>> problems = [:]
        for (Object o : processes) {
            Map p = (Map) o
            if (!p.inTopology) {
                continue
            }
            String name = p.name
            if (!problems.containsKey(name)) {
                problems[name] = []
            }
            String problem = null
            if (p.inPm2 == false) {
                problem = 'not in PM2'
            } else if (p.status != 'online') {
                problem = p.status
            } else if (!p.pid || (p.pid as long) <= 0) {
                // PM2 shows "online" without a process at times.
                problem = 'online without a pid'
            }
            if (problem && !problems[name].contains(problem)) {
                problems[name] << problem
            }
        }
        problems.each { String name, List<String> why ->
            if (why) {
                out << "${name} (${why.join(', ')})".toString()
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
     * What {@code titan-deploy recover --json} said after an aborted deploy (docs/jenkins.md): whether
     * the target runs a finished release again ({@code restored}), the release concerned, a one-line
     * verdict for the rollback stage and its log (recover's message and what it did per service).
     * {@code rc} is recover's exit code, {@code stdout} its output, {@code stderr} the last of its errors.
     */
    @NonCPS
    static Map recovery(int rc, String stdout, String stderr) {
        Map answer = null
        List<String> lines = (stdout ?: '').readLines().findAll { String l -> l.trim().startsWith('{') }
        if (lines) {
            try {
                answer = (Map) Json.parse(lines[-1], 'titan-deploy recover')
            } catch (IllegalArgumentException ignored) {
                answer = null
            }
        }
        if (answer == null) {
            String why = stderr ? ": ${stderr}" : ''
            return [restored: false, release: null, log: '',
                    line    : "rollback NOT CONFIRMED: titan-deploy recover exited ${rc} without an answer${why}"
                            .toString()]
        }
        String message = answer.message ?: ''
        String status = answer.status
        int exit = answer.exitCode == null ? rc : (answer.exitCode as int)
        List<String> log = [message]
        Map services = (Map) answer.services ?: [:]
        services.each { Object name, Object action -> log << String.format('  %-24s %s', name, action) }
        Map result = [restored: false, release: answer.release, log: log.join('\n')]
        if (exit == 0 && (answer.recovered || status == 'rolled-back')) {
            result.restored = true
            result.summary = 'previous release restored'
            result.line = "rollback: the previous release is running again (${message})".toString()
        } else if (exit == 0 && status == 'deployed') {
            // The abort came after the release had finished: it is what runs, complete.
            result.restored = true
            result.summary = 'it had finished and is running'
            result.line = "rollback: not needed, release ${answer.release} had finished and is running (${message})"
                    .toString()
        } else if (exit == 0 && status == null) {
            result.restored = true
            result.summary = 'nothing had been deployed yet'
            result.line = "rollback: not needed (${message})".toString()
        } else {
            String meaning = exit == 0 ? "release ${answer.release} is ${status}"
                    : (Cli.EXIT_CODES[exit] ?: "exit ${exit}")
            result.line = "rollback FAILED (${meaning}): ${message}".toString()
        }
        return result
    }

    /** Call {@code call}'s line of the build description after an abort, and its Badge summary. */
    @NonCPS
    static Map abortSummary(String call, Map recovery) {
        String release = recovery.release ? "release ${recovery.release}" : 'deploy'
        String after = recovery.restored ? recovery.summary : 'PREVIOUS RELEASE NOT CONFIRMED, manual action needed'
        Map badge = recovery.restored ? null : [icon : 'symbol-warning plugin-ionicons-api',
                                                style: 'color: var(--error-color)',
                                                text : "${call}: aborted, previous release NOT CONFIRMED".toString()]
        return [icon: OUTCOME_ICONS.aborted, text: "${call}: ${release}: ABORTED, ${after}".toString(), badge: badge]
    }

    /** {@code 1.2 s} from milliseconds. */
    @NonCPS
    static String seconds(Object millis) {
        if (millis == null) {
            return '-'
        }
        return String.format('%.1f s', ((millis as long) / 1000.0d))
    }
}
