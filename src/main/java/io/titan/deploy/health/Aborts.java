package io.titan.deploy.health;

import java.util.ArrayList;
import java.util.List;

/**
 * What to close to stop one running check. Interrupting a thread does not unblock socket I/O, so a
 * check registers its sockets, calls and connections here, and the validator closes them when the
 * check's time is up. Registering after the abort closes at once.
 */
public final class Aborts {

    private final List<AutoCloseable> closers = new ArrayList<>();
    private boolean aborted;

    /** Registers something to close on abort. */
    public void register(AutoCloseable closer) {
        synchronized (this) {
            if (!aborted) {
                closers.add(closer);
                return;
            }
        }
        closeQuietly(closer);
    }

    /** Closes everything registered, once; never throws. */
    public void abortAll() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (aborted) {
                return;
            }
            aborted = true;
            toClose = new ArrayList<>(closers);
            closers.clear();
        }
        toClose.forEach(Aborts::closeQuietly);
    }

    /** Whether {@link #abortAll()} ran. */
    public synchronized boolean aborted() {
        return aborted;
    }

    private static void closeQuietly(AutoCloseable closer) {
        try {
            closer.close();
        } catch (Exception | LinkageError e) {
            // Best effort: the check is being abandoned, and its thread is a daemon.
        }
    }
}
