package io.titan.deploy.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns SIGTERM / SIGINT (a cancelled Jenkins build, Ctrl-C) into an orderly stop: the running
 * deployment is told to stop and roll back, and the JVM waits for that before it exits.
 */
final class Signals {

    private static volatile boolean terminating;

    private Signals() {
    }

    /** Whether the JVM is shutting down because of a signal; {@code main} must not call exit then. */
    static boolean terminating() {
        return terminating;
    }

    /** Registers {@code stop} for the duration of a command. */
    static Registration onTermination(Consumer<String> stop) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            terminating = true;
            stop.accept("interrupted by a termination signal");
            try {
                // Bounded so a wedged rollback cannot keep the JVM alive forever.
                done.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "titan-deploy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Registration(hook, done);
    }

    /** Ends the registration when the command finishes. */
    static final class Registration implements AutoCloseable {
        private final Thread hook;
        private final CountDownLatch done;

        private Registration(Thread hook, CountDownLatch done) {
            this.hook = hook;
            this.done = done;
        }

        @Override
        public void close() {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown already in progress: the hook is running and has just been released.
            }
        }
    }
}
