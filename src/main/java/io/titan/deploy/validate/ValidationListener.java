package io.titan.deploy.validate;

import java.util.List;

/**
 * Progress of one validation run; the lead maps these to the {@code validation:started},
 * {@code validation:check} and {@code validation:completed} events. All calls come from the thread
 * that called {@code validateDeployment()} or {@code quickHealthCheck()}, in order, so implementations
 * need no locking. An exception thrown here aborts the run (after its checks are cancelled).
 */
public interface ValidationListener {

    /** A listener that ignores everything. */
    ValidationListener NONE = new ValidationListener() {
    };

    /** Before any check starts, with the names of all checks of this run in report order. */
    default void started(List<String> checkNames) {
    }

    /** As each check finishes (or is timed out), in completion order. */
    default void checkCompleted(CheckResult result) {
    }

    /** Once, after the last check, with the result the method is about to return. */
    default void completed(ValidationResult result) {
    }
}
