package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The services' stages of a release: each service in a stage of its own, run on its host's agent
 * ({@code release service}, its log the CLI's output, its result the service's). With the parallel
 * strategy a service starts the moment its last dependency in the release passed its health gate:
 * that dependency's branch starts it, beside its own soak ({@code release soak}, in a stage of its
 * own that turns red if the service exits or restarts during it). No branch waits by polling: the
 * release runs as many steps however long its services take to start, and it pays no soak between
 * levels, as {@code titan-deploy deploy} pays none. "Am I the last dependency?" cannot race: a
 * build's Groovy runs on one thread at a time. Once a service failed no other starts; those never
 * started are marked skipped (NOT_BUILT) at the end. With the sequential strategy, one service after
 * another, each with its soak in its own stage. What the branches share (which services started and
 * passed their gate) lives in plain Maps on this object, which CPS serializes.
 */
class ServiceStages implements Serializable {

    private static final long serialVersionUID = 1L

    private final Object steps
    private final HostSteps hostSteps
    private final Map config
    private final Map schedule
    private final String name
    private final String failResult
    /** Service to its stage's outcome, as stages end (the caller's Map). */
    private final Map stages
    /** Services whose stage began (or was marked skipped). */
    private final Map started = [:]
    /** Services that passed their health gate (or were left unchanged): their dependents may start. */
    private final Map healthy = [:]
    /** The services that failed, in the order they did. */
    private final List failed = []
    /** The aborts its branches met, first first: parallel may throw another branch's ordinary failure first. */
    final List aborts = []

    ServiceStages(Object steps, HostSteps hostSteps, Map config, Map schedule, Map stages) {
        this.steps = steps
        this.hostSteps = hostSteps
        this.config = config
        this.schedule = schedule
        this.name = config.name
        this.failResult = config.failBuild ? 'FAILURE' : 'UNSTABLE'
        this.stages = stages
    }

    /** Deploys every service in its own stage (see the class). */
    void deployAll() {
        List order = (List) schedule.order
        if (config.strategy == 'sequential') {
            for (int i = 0; i < order.size(); i++) {
                String service = order[i]
                started[service] = true
                if (failed) {
                    skip(service)
                } else {
                    deploy(service, false)
                }
            }
            return
        }
        startTogether(Schedule.roots(schedule))
        for (int i = 0; i < order.size(); i++) {
            if (!started[order[i]]) {
                skip(order[i] as String)
            }
        }
    }

    /** Starts {@code services} at once: a branch each in one parallel (one needs no parallel). */
    private void startTogether(List services) {
        for (int i = 0; i < services.size(); i++) {
            started[services[i]] = true
        }
        if (services.size() == 1) {
            deploy(services[0] as String, true)
            return
        }
        Map branches = [:]
        for (int i = 0; i < services.size(); i++) {
            String service = services[i]
            branches[Stages.name(name, service)] = { deploy(service, true) }
        }
        steps.parallel(branches)
    }

    /**
     * One service's stage; with {@code handOn}, a service that others in the release wait for returns
     * from its stage once healthy, and the dependents it was the last dependency of start beside its
     * soak.
     */
    void deploy(String service, boolean handOn) {
        if (failed) {
            // A failure elsewhere came first: the release will be rolled back.
            skip(service)
            return
        }
        Map host = hostOf(service)
        String stageName = Stages.name(name, service)
        boolean untilHealthy = handOn && Schedule.dependents(schedule, service)
        Map outcome = null
        try {
            steps.stage(stageName) {
                outcome = run(service, host) { hostSteps.service(host, service, untilHealthy) }
                show(service, outcome)
            }
        } finally {
            if (outcome == null) {
                // Its step failed without an outcome (a bug, an abort): nothing else may start.
                failed << service
            }
        }
        if (!handOn || outcome.result != Schedule.SUCCESS) {
            return
        }
        healthy[service] = true
        List next = Schedule.ready(schedule, service, healthy, started)
        for (int i = 0; i < next.size(); i++) {
            started[next[i]] = true
        }
        // The CLI says how much soak is left when it left the service healthy, its soak to come.
        if (outcome.soakMs == null) {
            if (next) {
                startTogether(next)
            }
            return
        }
        // The CLI of the soak starts about half a second before the soak ends (see HostSteps.soak).
        int delay = Math.max(0, ((outcome.soakMs as long) - 500L).intdiv(1000L) as int)
        if (!next) {
            soak(service, host, delay)
            return
        }
        Map branches = [(Stages.name(name, "${service} soak")): { soak(service, host, delay) }]
        for (int i = 0; i < next.size(); i++) {
            String dependent = next[i]
            branches[Stages.name(name, dependent)] = { deploy(dependent, true) }
        }
        steps.parallel(branches)
    }

    /** The rest of a healthy service's soak, in a stage of its own. */
    void soak(String service, Map host, int delaySeconds) {
        steps.stage(Stages.name(name, "${service} soak")) {
            Map outcome = run(service, host) { hostSteps.soak(host, service, delaySeconds) }
            show(service, outcome)
        }
    }

    /**
     * Runs one service step on its host; an agent that went away ({@code FlowInterruptedException}
     * that is no actual interruption, e.g. {@code ExecutorStepExecution.RemovedNodeCause}) fails the
     * service, while a real abort goes on up.
     */
    private Map run(String service, Map host, Closure step) {
        try {
            return (Map) hostSteps.onHost(host, step)
        } catch (InterruptedException interruption) {
            if (Interruptions.isAbort(interruption)) {
                aborts << interruption
                throw interruption
            }
            return Outcomes.lost(service, host.name as String, host.agent as String, interruption.message)
        }
    }

    /**
     * The outcome as the stage shows it: the CLI's line, and the stage result the CLI gives it; any but
     * SUCCESS stops the release (its dependents cannot start).
     */
    private void show(String service, Map outcome) {
        stages[service] = outcome
        if (outcome.result == Schedule.SUCCESS) {
            steps.echo(outcome.line as String)
            return
        }
        failed << service
        steps.catchError(buildResult: failResult, stageResult: outcome.result as String, catchInterruptions: false) {
            steps.error(outcome.line as String)
        }
    }

    /** A service that never started, in a stage marked skipped, as a false {@code when} does. */
    void skip(String service) {
        Map skipped = Outcomes.skipped(service, hostOf(service).name as String,
                Schedule.skipReason(schedule, service, failed))
        stages[service] = skipped
        String stageName = Stages.name(name, service)
        steps.stage(stageName) {
            steps.echo(skipped.line as String)
            if (!Stages.markSkipped(stageName)) {
                // Without Pipeline: Declarative, NOT_BUILT with an ERROR line.
                steps.catchError(buildResult: 'SUCCESS', stageResult: 'NOT_BUILT', catchInterruptions: false) {
                    steps.error(skipped.line as String)
                }
            }
        }
    }

    @NonCPS
    private Map hostOf(String service) {
        return Schedule.host(schedule, ((Map) ((Map) schedule.services)[service]).host as String)
    }
}
