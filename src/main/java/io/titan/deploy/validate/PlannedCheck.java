package io.titan.deploy.validate;

import io.titan.deploy.health.Aborts;
import io.titan.deploy.health.ProbeResult;
import java.time.Duration;

/**
 * A check ready to run: what the report says about it, its own timeout, and the work.
 *
 * @param timeout the check's own bound; the body is expected to honour it and report what it saw
 */
record PlannedCheck(String name, CheckResult.Kind kind, String target, boolean required, Duration timeout, Body body) {

    /** The work of one check. Blocking is fine; it runs on its own daemon thread. */
    @FunctionalInterface
    interface Body {
        /** Runs once; registers sockets with {@code aborts}; returns what was seen. */
        Outcome run(Aborts aborts) throws Exception;
    }

    /** What a body saw. A skipped check learned nothing: reported as a warning, never as a failure. */
    record Outcome(boolean success, boolean skipped, String message) {

        static Outcome passed(String message) {
            return new Outcome(true, false, message);
        }

        static Outcome failed(String message) {
            return new Outcome(false, false, message);
        }

        static Outcome skipped(String why) {
            return new Outcome(false, true, "skipped: " + why);
        }

        static Outcome of(ProbeResult probe) {
            return new Outcome(probe.healthy(), false, probe.observed());
        }
    }

    CheckResult result(Outcome outcome, Duration duration) {
        return new CheckResult(name, kind, target, required && !outcome.skipped(), outcome.success(), duration,
                outcome.message());
    }

    CheckResult failed(String message, Duration duration) {
        return result(Outcome.failed(message), duration);
    }
}
