package io.titan.jenkins

/**
 * The services' stages of a release: each service in a stage of its own, run on its host's agent
 * ({@code release service}, its log the CLI's output, its time the service's, its result the
 * service's) and started as soon as its dependencies' stages succeeded; once one failed, those not
 * started yet are marked skipped (NOT_BUILT). With the sequential strategy, or when no two services
 * can run at once, one after another; else as the branches of one parallel, each holding one stage
 * (Pipeline Graph View draws that shape right) and waiting for its turn outside it, so that the stage
 * lasts the service's work only. The branches share {@link #results}, a plain Map of Strings, which
 * CPS serializes; there is one CPS thread, so they never touch it at once.
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
    /** Service to SUCCESS or FAILURE: what the branches waiting for their turn read. */
    private final Map results = [:]

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
        if (config.strategy == 'sequential' || !Schedule.hasParallelism(schedule)) {
            for (int i = 0; i < order.size(); i++) {
                deployInTurn(order[i] as String)
            }
            return
        }
        Map branches = [:]
        for (int i = 0; i < order.size(); i++) {
            String service = order[i]
            branches[Stages.name(name, service)] = { deployInTurn(service) }
        }
        steps.parallel(branches)
    }

    void deployInTurn(String service) {
        Map turn = awaitTurn(service)
        Map host = Schedule.host(schedule, ((Map) ((Map) schedule.services)[service]).host as String)
        String stageName = Stages.name(name, service)
        if (turn.skip) {
            Map skipped = Outcomes.skipped(service, host.name as String, turn.skip as String)
            stages[service] = skipped
            steps.stage(stageName) {
                showSkipped(stageName, skipped.line as String)
            }
            return
        }
        try {
            hostSteps.onHost(host) {
                steps.stage(stageName) {
                    Map outcome = hostSteps.service(host, service)
                    stages[service] = outcome
                    results[service] = outcome.result
                    if (outcome.result == Schedule.SUCCESS) {
                        steps.echo(outcome.line as String)
                    } else {
                        steps.catchError(buildResult: failResult, stageResult: 'FAILURE', catchInterruptions: false) {
                            steps.error(outcome.line as String)
                        }
                    }
                }
            }
        } finally {
            // A step that failed without an outcome (its agent went away) fails the service: the branches
            // waiting for it must not wait for ever.
            if (!results.containsKey(service)) {
                results[service] = Schedule.FAILURE
            }
        }
    }

    /**
     * Waits until the service may start or is to be skipped. waitUntil retries after 250 ms, growing
     * by 1.2 each time up to 15 s; a few tries at a time keep a service from starting late.
     */
    private Map awaitTurn(String service) {
        Map turn = Schedule.turn(schedule, service, results)
        while (!turn.go && !turn.skip) {
            int tries = 0
            steps.waitUntil(initialRecurrencePeriod: 250, quiet: true) {
                tries++
                turn = Schedule.turn(schedule, service, results)
                return turn.go || turn.skip || tries >= 5
            }
        }
        return turn
    }

    /** A stage marked skipped, as a false {@code when} does; without Pipeline: Declarative, NOT_BUILT with an ERROR. */
    void showSkipped(String stageName, String line) {
        steps.echo(line)
        if (!Stages.markSkipped(stageName)) {
            steps.catchError(buildResult: 'SUCCESS', stageResult: 'NOT_BUILT', catchInterruptions: false) {
                steps.error(line)
            }
        }
    }
}
