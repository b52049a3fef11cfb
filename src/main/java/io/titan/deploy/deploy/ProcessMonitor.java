package io.titan.deploy.deploy;

import io.titan.deploy.pm2.Pm2Process;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One background poller of PM2's process list shared by every health gate of a deployment. Each
 * {@code pm2 jlist} costs a Node start-up, so services do not poll PM2 each on their own: they read
 * the latest snapshot, and ignore snapshots taken before the moment that matters to them.
 */
final class ProcessMonitor implements AutoCloseable {

    /** A process list and when it was taken (after the call returned). */
    record Snapshot(Instant takenAt, Map<String, Pm2Process> processes) {
    }

    private final ProcessControl pm2;
    private final Duration interval;
    private final Thread thread;
    private volatile Snapshot latest = new Snapshot(Instant.EPOCH, Map.of());
    private volatile String lastError;
    private volatile boolean running = true;

    ProcessMonitor(ProcessControl pm2, Duration interval) {
        this.pm2 = pm2;
        this.interval = interval;
        this.thread = new Thread(this::loop, "titan-pm2-monitor");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            try {
                List<Pm2Process> list = pm2.processes();
                latest = new Snapshot(Instant.now(),
                        list.stream().collect(Collectors.toMap(Pm2Process::name, Function.identity(), (a, b) -> a)));
                lastError = null;
            } catch (RuntimeException e) {
                lastError = e.getMessage();
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The latest snapshot taken after {@code since}, if there is one yet. */
    Optional<Snapshot> since(Instant since) {
        Snapshot s = latest;
        return s.takenAt().isAfter(since) ? Optional.of(s) : Optional.empty();
    }

    /** Why the last poll failed, or null. */
    String lastError() {
        return lastError;
    }

    /**
     * Why {@code name}, started at {@code startedAt}, is not fit to continue, or empty. A restart
     * counts: PM2 restarting a service means it exited, whatever its status says now.
     */
    Optional<String> problem(String name, Instant startedAt) {
        return since(startedAt).flatMap(s -> {
            Pm2Process p = s.processes().get(name);
            if (p == null) {
                return Optional.of("is no longer in PM2's process list (was the PM2 daemon restarted?)");
            }
            if (p.restarts() > 0) {
                return Optional.of("exited and was restarted by PM2 (" + p.restarts() + " restart"
                        + (p.restarts() == 1 ? "" : "s") + ", status " + p.status().pm2Name() + ")");
            }
            return switch (p.status()) {
                case ERRORED, STOPPED, STOPPING -> Optional.of("PM2 reports it " + p.status().pm2Name());
                default -> Optional.empty();
            };
        });
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
