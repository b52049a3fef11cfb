package io.titan.jenkins;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

/**
 * A step that is waiting (an {@code sh} whose process runs, a {@code sleep}, a {@code node} waiting
 * for an executor, a {@code parallel} waiting for its branches), as Jenkins holds a running
 * {@code StepExecution}: an interruption stops it ({@code StepExecution.stop}: the build's abort, a
 * {@code timeout} that expired, {@code failFast}), and a {@code timeout} whose grace ran out forces it
 * to end at once ({@code StepContext.onFailure}, whatever its process still does). A step that has
 * already finished is no longer stopped: an interruption only reaches the steps that run when it
 * comes.
 */
final class Running {

    final Flow flow;
    final String what;
    private final List<Consumer<FlowInterruptedException>> onStop = new CopyOnWriteArrayList<>();
    private FlowInterruptedException stopped;
    private FlowInterruptedException forced;
    private boolean finished;

    Running(Flow flow, String what) {
        this.flow = flow;
        this.what = what;
    }

    /** Runs {@code action} when the step is stopped (at once when it already is). */
    void onStop(Consumer<FlowInterruptedException> action) {
        FlowInterruptedException cause;
        synchronized (this) {
            onStop.add(action);
            cause = stopped;
        }
        if (cause != null) {
            action.accept(cause);
        }
    }

    /** Stops the step with {@code cause}, unless it finished or was stopped before. */
    void stop(FlowInterruptedException cause) {
        synchronized (this) {
            if (finished || stopped != null) {
                return;
            }
            stopped = cause;
            notifyAll();
        }
        onStop.forEach(a -> a.accept(cause));
    }

    /** Ends the step at once with {@code cause}: its wait returns, whatever it waited for. */
    void force(FlowInterruptedException cause) {
        synchronized (this) {
            if (finished) {
                return;
            }
            forced = cause;
            notifyAll();
        }
        stop(cause);
    }

    /** Marks the step finished; false when an interruption came first. */
    synchronized boolean finish() {
        finished = true;
        return stopped == null;
    }

    synchronized FlowInterruptedException stopped() {
        return stopped;
    }

    synchronized FlowInterruptedException forced() {
        return forced;
    }

    /** Waits up to {@code millis}; returns early, false, when the step is stopped or forced. */
    synchronized boolean pause(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (stopped == null && forced == null) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return true;
            }
            wait(left);
        }
        return false;
    }
}
