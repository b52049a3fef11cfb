package io.titan.jenkins;

import com.cloudbees.groovy.cps.Continuation;
import com.cloudbees.groovy.cps.Envs;
import com.cloudbees.groovy.cps.Next;
import com.cloudbees.groovy.cps.impl.CpsCallableInvocation;
import com.lesfurets.jenkins.unit.cps.PipelineTestHelperCPS;
import groovy.lang.Closure;

/**
 * JenkinsPipelineUnit's groovy-cps runner, checking serializability where Jenkins needs it: Jenkins
 * saves the program while a step runs, so what a closure holds across a step call must serialize. The
 * stock runner serializes the closure's whole state before every interpreter step (about 5 s per test
 * on this project's release flow, and stricter than Jenkins: a Matcher used and dropped between two
 * steps is fine there); this one does it after each interpreter step in which a step was called, with
 * what is still held then.
 */
final class StepBoundaryCps extends PipelineTestHelperCPS {

    /** Steps called per thread: each parallel branch runs its own interpreter loop on its own thread. */
    private final ThreadLocal<long[]> stepCalls = ThreadLocal.withInitial(() -> new long[1]);

    /** Called by every registered step as it starts. */
    void stepCalled() {
        stepCalls.get()[0]++;
    }

    @Override
    @SuppressWarnings("rawtypes") // JenkinsPipelineUnit's signature
    public Object callClosure(Closure closure, Object... args) {
        try {
            // A CPS closure does not run when called: it throws the invocation that the loop below runs.
            return args == null || args.length == 0 ? closure.call() : closure.call(args);
        } catch (CpsCallableInvocation invocation) {
            Next next = invocation.invoke(Envs.empty(), null, Continuation.HALT);
            while (next.yield == null) {
                long before = stepCalls.get()[0];
                next = next.step();
                if (stepCalls.get()[0] != before && next.yield == null) {
                    try {
                        roundtripSerialization(next.e);
                    } catch (Exception e) {
                        throw new AssertionError("Jenkins could not save the program across a step: " + e, e);
                    }
                }
            }
            try {
                return next.yield.replay();
            } catch (Throwable thrown) {
                // What the closure threw, unchanged (Groovy does not check exceptions; Jenkins' steps throw them).
                throw Steps.<RuntimeException>sneaky(thrown);
            }
        }
    }
}
