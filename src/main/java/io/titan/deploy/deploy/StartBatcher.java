package io.titan.deploy.deploy;

import io.titan.deploy.pm2.Pm2App;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit for {@code pm2 start} during a rollout. Every start on a PM2_HOME is serialised
 * and costs three pm2 CLI runs (a Node start-up each), so a service released while another start
 * is in flight would wait for it anyway: all services queued by then are started in the next call,
 * together. A batch that fails is retried one service at a time, so that a failure is reported for
 * the service that caused it and never for its neighbours in the batch.
 */
final class StartBatcher {

    private final ProcessControl pm2;
    private final List<Pending> queue = new ArrayList<>();
    private boolean starting;

    StartBatcher(ProcessControl pm2) {
        this.pm2 = pm2;
    }

    /** Starts {@code app}, possibly together with others; returns once its start is done. */
    void start(Pm2App app) {
        Pending mine = new Pending(app);
        List<Pending> batch;
        synchronized (this) {
            queue.add(mine);
            try {
                while (starting && !mine.done) {
                    wait();
                }
            } catch (InterruptedException e) {
                queue.remove(mine);
                notifyAll();
                Thread.currentThread().interrupt();
                throw new ServiceFailure(app.name() + " was not started: interrupted while waiting for PM2");
            }
            if (!mine.done) {
                starting = true;
                batch = List.copyOf(queue);
                queue.clear();
            } else {
                batch = List.of();
            }
        }
        if (!batch.isEmpty()) {
            try {
                run(batch);
            } finally {
                synchronized (this) {
                    batch.forEach(p -> p.done = true);
                    starting = false;
                    notifyAll();
                }
            }
        }
        if (mine.error != null) {
            throw mine.error;
        }
    }

    private void run(List<Pending> batch) {
        if (batch.size() > 1) {
            try {
                pm2.startAll(batch.stream().map(p -> p.app).toList());
                return;
            } catch (RuntimeException e) {
                // Fall through: find out which service it was.
            }
        }
        for (Pending p : batch) {
            try {
                pm2.start(p.app);
            } catch (RuntimeException e) {
                p.error = e;
            }
        }
    }

    /** One app waiting for its start; fields guarded by the batcher's lock once queued. */
    private static final class Pending {
        final Pm2App app;
        boolean done;
        RuntimeException error;

        Pending(Pm2App app) {
            this.app = app;
        }
    }
}
