package org.jenkinsci.plugins.workflow.steps;

import jenkins.model.CauseOfInterruption;

/** Stand-in for workflow-basic-steps' {@code TimeoutStepExecution}, for its cause of interruption only. */
public final class TimeoutStepExecution {

    private TimeoutStepExecution() {
    }

    /** The cause a {@code timeout} interrupts its body with ("Timeout has been exceeded"). */
    public static final class ExceededTimeout extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;

        @Override
        public String getShortDescription() {
            return "Timeout has been exceeded";
        }
    }
}
