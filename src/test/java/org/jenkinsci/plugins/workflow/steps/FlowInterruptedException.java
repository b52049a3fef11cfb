package org.jenkinsci.plugins.workflow.steps;

/**
 * Stand-in for the exception Jenkins throws from a running step when the build is aborted (the stop
 * button, a {@code timeout} that expired): same fully-qualified name, an {@link InterruptedException}
 * as in workflow-step-api. The real one carries a {@code hudson.model.Result} and causes; here the
 * result is its name ({@code ABORTED}), which the test harness gives the build when the exception
 * leaves the pipeline, as Jenkins does.
 */
public class FlowInterruptedException extends InterruptedException {

    private static final long serialVersionUID = 1L;

    private final String result;

    public FlowInterruptedException(String result, String cause) {
        super(cause);
        this.result = result;
    }

    /** The build result this interruption asks for, e.g. {@code ABORTED}. */
    public String getResult() {
        return result;
    }
}
