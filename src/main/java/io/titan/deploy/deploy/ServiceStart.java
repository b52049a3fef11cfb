package io.titan.deploy.deploy;

import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.DowntimeProbe;
import io.titan.deploy.health.Durations;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.ClusterReload;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.ProcessWatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Puts one service of a release in place and says how long it was unavailable meanwhile. A
 * service that runs in PM2 cluster mode and stays in it is replaced worker by worker
 * ({@link ClusterReload}): each new worker passes the health gate on its own before an old one is
 * told to stop, so the port never goes unanswered. Anything else is stopped, then started again.
 *
 * <p>While a service that was serving is replaced, its health check is probed every 20 ms
 * ({@link DowntimeProbe}); a replacement that left it unanswered for longer than its
 * {@code maxDowntime} fails, and the release is rolled back as for any other failure.
 */
final class ServiceStart {

    /** How long after the health gate passed the downtime probe may take to see an answer too. */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final ProcessControl pm2;
    private final Clock clock;

    ServiceStart(ProcessControl pm2, Clock clock) {
        this.pm2 = pm2;
        this.clock = clock;
    }

    /**
     * Starts {@code app} as {@code spec} in place of what runs (when {@code existed}), gated by
     * {@code gate}; returns its downtime.
     *
     * @throws ServiceFailure when it fails to start, to pass its gate, or stays within its maxDowntime
     */
    Downtime run(ServiceSpec spec, Pm2App app, boolean existed, HealthGate gate, ProcessWatch watch,
                 Supplier<Optional<String>> stop) {
        String name = spec.name();
        java.time.Instant began = clock.instant();
        Pm2Snapshot now = existed ? pm2.snapshot() : Pm2Snapshot.empty();
        List<Pm2Process> old = now.processes().stream().filter(p -> p.name().equals(name)).toList();
        Pm2AppDefinition running = now.definitions().get(name);
        boolean workerByWorker = app.clusterMode() && running != null && running.app().clusterMode()
                && old.stream().anyMatch(Pm2Process::isOnline);
        try (DowntimeProbe downtime = DowntimeProbe.start(name,
                existed ? ServiceHealth.probe(spec).orElse(null) : null, spec.healthTimeout(), clock)) {
            if (workerByWorker) {
                replaceWorkers(spec, app, old, gate, watch, stop);
            } else {
                if (existed) {
                    pm2.delete(name);
                }
                requirePortFree(spec);
                List<Pm2Process> started = pm2.start(app);
                watch.watch(name, started);
                // The startup timeout counts from the stop of what ran: a slow start in PM2 comes out of it.
                Duration left = spec.startupTimeout().minus(Duration.between(began, clock.instant()));
                gate.await(spec, started, left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left, stop);
            }
            Downtime measured = existed ? finish(downtime, name) : Downtime.notMeasured(Downtime.NEW);
            Optional<Duration> bound = spec.replacement().downtimeBound();
            if (bound.isPresent() && measured.window().orElse(Duration.ZERO).compareTo(bound.get()) > 0) {
                throw new ServiceFailure(name + " was unavailable for " + measured.window().orElseThrow().toMillis()
                        + " ms while it was replaced, more than its maxDowntime of " + Durations.format(bound.get())
                        + " (" + measured.failedProbes() + " failed health probes, one every 20 ms)");
            }
            return measured;
        }
    }

    /** Each new worker has the whole startup timeout to pass its gate: they start one after another. */
    private void replaceWorkers(ServiceSpec spec, Pm2App app, List<Pm2Process> old, HealthGate gate,
                                ProcessWatch watch, Supplier<Optional<String>> stop) {
        try {
            ClusterReload.replace(pm2, app, old, (worker, started) -> {
                watch.watch(spec.name(), started);
                gate.await(spec, List.of(worker), spec.startupTimeout(), stop);
            });
        } catch (ClusterReload.Refused e) {
            throw new ServiceFailure(e.getMessage() + " (new worker " + (e.started().size() + 1) + " of "
                    + app.instances() + "; the old workers not replaced yet kept serving)");
        }
    }

    private static Downtime finish(DowntimeProbe downtime, String name) {
        try {
            return downtime.finish(SETTLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceFailure(name + ": interrupted while its downtime was measured");
        }
    }

    private static void requirePortFree(ServiceSpec spec) {
        if (spec.port() == null || spec.health() == null) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(spec.health().host(), spec.port()));
        } catch (IOException e) {
            throw new ServiceFailure(spec.name() + " cannot start: port " + spec.port() + " on " + spec.health().host()
                    + " is already in use by another process");
        }
    }
}
