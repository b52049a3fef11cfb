package io.titan.jenkins;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that runs a build's Groovy at any moment, as Jenkins' CPS VM thread is
 * ({@code CpsThreadGroup}: every branch of a {@code parallel} is a {@code CpsThread}, and the group
 * runs one of them at a time until it reaches a step that does not complete at once). Here each
 * branch is a Java thread that must hold this baton while it runs Groovy; a step that waits
 * ({@code sh}, {@code sleep}, node allocation, the join of a {@code parallel}) hands it on for the
 * length of the wait ({@link #waiting}). The baton is fair: threads get it in the order they asked,
 * so branches first run in the order {@code parallel} created them, as Jenkins starts its branch
 * threads in the Map's order.
 */
final class CpsVm {

    private final ReentrantLock baton = new ReentrantLock(true);

    /** Takes the baton for this thread, unless it holds it already. */
    void enter() {
        if (!baton.isHeldByCurrentThread()) {
            baton.lock();
        }
    }

    /** Gives the baton up, if this thread holds it (a test's thread at the end of a build). */
    void leave() {
        while (baton.isHeldByCurrentThread()) {
            baton.unlock();
        }
    }

    boolean holds() {
        return baton.isHeldByCurrentThread();
    }

    /**
     * Runs {@code wait} without the baton, so that other branches run meanwhile, and takes it back
     * before the step returns to Groovy. A thread that did not hold it runs {@code wait} as it is.
     */
    <T> T waiting(Callable<T> wait) throws Exception {
        boolean held = baton.isHeldByCurrentThread();
        if (held) {
            baton.unlock();
        }
        try {
            return wait.call();
        } finally {
            if (held) {
                baton.lock();
            }
        }
    }

    /**
     * Starts {@code thread}, which asks for the baton first thing, and returns once it waits in the
     * baton's queue; the caller holds the baton meanwhile, so threads started this way get it in the
     * order they were started.
     */
    void startQueued(Thread thread) {
        if (!holds()) {
            throw new IllegalStateException("only the thread that runs Groovy starts branches");
        }
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!baton.hasQueuedThread(thread)) {
            if (!thread.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(thread.getName() + " never asked for the CPS VM baton");
            }
            Thread.onSpinWait();
        }
    }
}
