package org.jenkinsci.plugins.workflow.steps;

import java.util.List;
import jenkins.model.CauseOfInterruption;

/**
 * Stand-in for workflow-step-api's exception for an interrupted step: same fully-qualified name, an
 * {@link InterruptedException}, with the real one's causes, {@code actualInterruption} flag (since
 * 2.22: false for interruptions that are no user's abort, such as a removed agent or an expired
 * {@code timeout} once it leaves its block) and message (the causes' short descriptions joined with
 * ", "). The result is its name ({@code ABORTED}) instead of a {@code hudson.model.Result}.
 */
public class FlowInterruptedException extends InterruptedException {

    private static final long serialVersionUID = 1L;

    private final String result;
    private final List<CauseOfInterruption> causes;
    private boolean actualInterruption;

    public FlowInterruptedException(String result, boolean actualInterruption, CauseOfInterruption... causes) {
        super(describe(causes));
        this.result = result;
        this.actualInterruption = actualInterruption;
        this.causes = List.of(causes);
    }

    private static String describe(CauseOfInterruption... causes) {
        StringBuilder text = new StringBuilder();
        for (CauseOfInterruption cause : causes) {
            text.append(text.length() == 0 ? "" : ", ").append(cause.getShortDescription());
        }
        return text.toString();
    }

    /** The build result this interruption asks for, e.g. {@code ABORTED}. */
    public String getResult() {
        return result;
    }

    public List<CauseOfInterruption> getCauses() {
        return causes;
    }

    public boolean isActualInterruption() {
        return actualInterruption;
    }

    public void setActualInterruption(boolean actualInterruption) {
        this.actualInterruption = actualInterruption;
    }
}
