package io.titan.deploy.bench;

import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessWatch;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Counts and times the engine's calls into PM2 during one deployment, to show where the time over
 * the critical path goes: each call is a request to the PM2 daemon over its socket.
 */
final class TimedControl implements ProcessControl {

    /** Calls and total milliseconds inside them, per operation. */
    record Stat(int calls, double totalMs) {
    }

    private final ProcessControl delegate;
    private final Map<String, Stat> stats = new TreeMap<>();

    TimedControl(ProcessControl delegate) {
        this.delegate = delegate;
    }

    synchronized Map<String, Stat> stats() {
        return Map.copyOf(stats);
    }

    private <T> T timed(String op, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            double ms = (System.nanoTime() - start) / 1e6;
            synchronized (this) {
                stats.merge(op, new Stat(1, ms), (a, b) -> new Stat(a.calls() + 1, Results.round(a.totalMs() + b.totalMs(), 1)));
            }
        }
    }

    @Override
    public String home() {
        return delegate.home();
    }

    @Override
    public void initialize() {
        timed("initialize", () -> {
            delegate.initialize();
            return null;
        });
    }

    @Override
    public List<Pm2Process> start(Pm2App app) {
        return timed("start", () -> delegate.start(app));
    }

    @Override
    public Pm2Process startWorker(Pm2App app, int instance) {
        return timed("startWorker", () -> delegate.startWorker(app, instance));
    }

    @Override
    public void stopWorker(int pmId) {
        timed("stopWorker", () -> {
            delegate.stopWorker(pmId);
            return null;
        });
    }

    @Override
    public void stop(String name) {
        timed("stop", () -> {
            delegate.stop(name);
            return null;
        });
    }

    @Override
    public void delete(String name) {
        timed("delete", () -> {
            delegate.delete(name);
            return null;
        });
    }

    @Override
    public Pm2Snapshot snapshot() {
        return timed("snapshot", delegate::snapshot);
    }

    @Override
    public List<Pm2Process> processes() {
        return timed("processes", delegate::processes);
    }

    @Override
    public ProcessWatch watch() {
        return timed("watch", delegate::watch);
    }
}
