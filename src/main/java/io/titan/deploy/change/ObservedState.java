package io.titan.deploy.change;

import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.pm2.Pm2Snapshot;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * What runs on a target, looked at once per run: PM2's processes and the definitions they run (one
 * process list), and the health of each service a deploy might leave alone (probed once, all at
 * the same time). The planner decides from this and from nothing else.
 *
 * @param pm2    PM2's processes and definitions
 * @param health the health check results of the services that were probed, by name
 */
public record ObservedState(Pm2Snapshot pm2, Map<String, ProbeResult> health) {

    public ObservedState {
        health = Map.copyOf(health);
    }

    /** A target with nothing running. */
    public static ObservedState nothingRunning() {
        return new ObservedState(Pm2Snapshot.empty(), Map.of());
    }

    /**
     * Observes: {@code pm2} as it was taken, plus one probe of each service in {@code probes}, run
     * in parallel, each bounded by {@code timeout} of its own.
     */
    public static ObservedState observe(Pm2Snapshot pm2, Map<String, HealthProbe> probes,
                                        Function<String, Duration> timeout) {
        if (probes.isEmpty()) {
            return new ObservedState(pm2, Map.of());
        }
        // Probes block on sockets: a thread each, not the common pool (one thread on two cores).
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(probes.size(), 32), runnable -> {
            Thread thread = new Thread(runnable, "titan-observe");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<String, CompletableFuture<ProbeResult>> running = new TreeMap<>();
            probes.forEach((name, probe) -> running.put(name,
                    CompletableFuture.supplyAsync(() -> probe.probe(timeout.apply(name)), pool)));
            Map<String, ProbeResult> health = new TreeMap<>();
            running.forEach((name, result) -> health.put(name, result.join()));
            return new ObservedState(pm2, health);
        } finally {
            pool.shutdownNow();
        }
    }
}
