package org.jenkinsci.plugins.workflow.support.steps;

import jenkins.model.CauseOfInterruption;

/** Stand-in for workflow-durable-task-step's {@code ExecutorStepExecution} (the node step), for its causes only. */
public final class ExecutorStepExecution {

    private ExecutorStepExecution() {
    }

    /**
     * A {@code node} block's agent went away ("Agent was removed"): its steps end with a
     * {@code FlowInterruptedException(ABORTED, false, new RemovedNodeCause())}, no user's abort.
     */
    public static final class RemovedNodeCause extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;

        @Override
        public String getShortDescription() {
            return "Agent was removed";
        }
    }
}
