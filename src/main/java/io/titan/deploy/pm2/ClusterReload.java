package io.titan.deploy.pm2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Replaces the workers of a running cluster-mode app with workers of another definition, one at a
 * time, as {@code pm2 reload} does (learned from pm2 7.0.4's {@code lib/God/Reload.js}), except that
 * the caller decides when a new worker counts as ready: PM2 stops the old worker on the new one's
 * {@code listening} event (or its {@code ready} message), and after {@code listen_timeout} even
 * without either, while here the old worker is told to stop only once the caller's gate passed.
 *
 * <p>Worker {@code i} of the new definition replaces the old worker {@code i} (in pm_id order, the
 * order PM2 numbered them in) and takes its instance number. The workers share the app's port
 * through the daemon's cluster master, which hands each new connection to a worker that listens:
 * while a new worker starts, the old ones serve; once it is proven, the old one stops accepting,
 * finishes its requests within its kill timeout and goes. More new workers than old ones are
 * started after the last old one is replaced; fewer stop the old ones left over at the end.
 *
 * <p>A worker the gate refuses stops the replacement: it is stopped at once (it shares the port and
 * may be answering requests badly), and the old workers not replaced yet go on serving. Putting
 * the replaced ones back is the rollback's work, done the same way.
 */
public final class ClusterReload {

    private ClusterReload() {
    }

    /** A new worker the gate refused; the replacement stopped there. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<Pm2Process> started;

        Refused(String message, RuntimeException cause, List<Pm2Process> started) {
            super(message, cause);
            this.started = List.copyOf(started);
        }

        /** The new workers that passed the gate and run on. */
        public List<Pm2Process> started() {
            return started;
        }
    }

    /**
     * Replaces {@code old} (the app's processes, as one look at PM2 listed them) with the workers of
     * {@code next}.
     *
     * @param gate proves a new worker ready, given it and every new worker started so far (for the
     *             caller's process watch); throws to refuse it
     * @return the new workers
     * @throws Refused when the gate refused a worker (its exception is the cause); PM2 errors as they come
     */
    public static List<Pm2Process> replace(ProcessControl pm2, Pm2App next, List<Pm2Process> old,
                                           Gate gate) {
        if (!next.clusterMode()) {
            throw new IllegalArgumentException(next.name() + " is not a cluster-mode app");
        }
        List<Pm2Process> olds = new ArrayList<>(old);
        // Workers that do not serve go first, then in PM2's order, which is their instance order.
        olds.sort(Comparator.comparing((Pm2Process p) -> p.isOnline()).thenComparingInt(Pm2Process::pmId));
        List<Pm2Process> started = new ArrayList<>();
        int slots = Math.max(olds.size(), next.instances());
        for (int i = 0; i < slots; i++) {
            if (i < next.instances()) {
                Pm2Process worker = pm2.startWorker(next, i);
                started.add(worker);
                try {
                    gate.prove(worker, List.copyOf(started));
                } catch (RuntimeException e) {
                    started.remove(worker);
                    stopQuietly(pm2, worker.pmId(), e::addSuppressed);
                    throw new Refused(e.getMessage(), e, started);
                }
            }
            if (i < olds.size()) {
                pm2.stopWorker(olds.get(i).pmId());
            }
        }
        return List.copyOf(started);
    }

    private static void stopQuietly(ProcessControl pm2, int pmId, Consumer<RuntimeException> failed) {
        try {
            pm2.stopWorker(pmId);
        } catch (RuntimeException e) {
            failed.accept(e);
        }
    }

    /** Proves a new worker ready before an old one is told to stop. */
    @FunctionalInterface
    public interface Gate {
        /**
         * Returns once {@code worker} is proven ready; throws to refuse it.
         *
         * @param startedSoFar every new worker started so far, {@code worker} last
         */
        void prove(Pm2Process worker, List<Pm2Process> startedSoFar);
    }
}
