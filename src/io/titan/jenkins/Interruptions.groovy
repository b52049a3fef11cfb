package io.titan.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * What kind of interruption reached a step. Jenkins ends a step with a
 * {@code FlowInterruptedException} both when a person (or a {@code timeout}) aborts the build and when
 * the step's agent goes away ({@code ExecutorStepExecution.RemovedNodeCause}); only the first is an
 * abort. workflow-step-api 2.22+ says which with {@code isActualInterruption()} (false for a removed
 * agent); older ones have no such method, and then the causes tell.
 */
final class Interruptions implements Serializable {

    private static final long serialVersionUID = 1L

    /** The causes that mean a step's agent went away, by simple class name. */
    static final List<String> AGENT_GONE = ['RemovedNodeCause', 'RemovedNodeTimeoutCause']

    private Interruptions() {
    }

    /** Whether {@code e} is a {@code timeout} step's, which has left that step (no actual interruption any more). */
    @NonCPS
    static boolean timedOut(InterruptedException e) {
        if (isAbort(e) || !e.metaClass.respondsTo(e, 'getCauses')) {
            return false
        }
        return e.getCauses().any { Object cause -> cause.getClass().simpleName == 'ExceededTimeout' }
    }

    /** Whether {@code e} aborts the build (the stop button, a timeout), as opposed to a lost agent. */
    @NonCPS
    static boolean isAbort(InterruptedException e) {
        if (e.metaClass.respondsTo(e, 'isActualInterruption')) {
            return e.isActualInterruption()
        }
        if (e.metaClass.respondsTo(e, 'getCauses')) {
            return !e.getCauses().any { Object cause -> cause.getClass().simpleName in AGENT_GONE }
        }
        return true
    }
}
