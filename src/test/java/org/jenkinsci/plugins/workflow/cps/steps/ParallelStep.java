package org.jenkinsci.plugins.workflow.cps.steps;

import jenkins.model.CauseOfInterruption;

/** Stand-in for workflow-cps' {@code ParallelStep}, for its cause of interruption only. */
public final class ParallelStep {

    private ParallelStep() {
    }

    /** What {@code failFast} interrupts the other branches with ("Failed in branch NAME"). */
    public static final class FailFastCause extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;
        private final String failingBranch;

        public FailFastCause(String failingBranch) {
            this.failingBranch = failingBranch;
        }

        @Override
        public String getShortDescription() {
            return "Failed in branch " + failingBranch;
        }
    }
}
