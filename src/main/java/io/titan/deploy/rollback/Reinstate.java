package io.titan.deploy.rollback;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.health.AbstractWaitStrategy;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.DowntimeProbe;
import io.titan.deploy.health.Durations;
import io.titan.deploy.health.HealthCheckException;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.health.Wait;
import io.titan.deploy.pm2.ClusterReload;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ReadyMessage;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Puts a previous definition of one service back in place of what runs, as a deploy replaces a
 * service: a service that runs in cluster mode and goes back to cluster mode worker by worker
 * ({@link ClusterReload}), each restored worker proven by an answer of its own (and its ready message
 * where it sends one) before a current worker is told to stop; anything else stopped and started
 * again. Its downtime is measured meanwhile, as a deploy's is. A restore must not stop half-way: a
 * worker that fails its gate puts the whole service back the plain way instead.
 */
final class Reinstate {

    private static final Duration DEFAULT_STARTUP = Duration.ofSeconds(30);
    /** How long after the health check passed the downtime probe may take to see an answer too. */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final Rollback.Scope scope;
    private final String name;
    private final ServiceSpec spec;
    private final ProcessWatch watch;
    private final Duration timeout;

    Reinstate(Rollback.Scope scope, String name, ProcessWatch watch) {
        this.scope = scope;
        this.name = name;
        this.spec = scope.spec(name);
        this.watch = watch;
        this.timeout = spec == null ? DEFAULT_STARTUP : spec.startupTimeout();
    }

    /**
     * Starts {@code app} in place of what runs and waits for its health.
     *
     * @return how long the service was unavailable meanwhile
     * @throws TitanException when it does not become healthy, or PM2 fails
     */
    Downtime run(Pm2App app) {
        Pm2Snapshot now = scope.pm2().snapshot();
        List<Pm2Process> current = now.processes().stream().filter(p -> p.name().equals(name)).toList();
        Pm2AppDefinition running = now.definitions().get(name);
        HealthProbe own = spec == null ? null : ServiceHealth.probe(spec).orElse(null);
        Duration attempt = spec == null ? AbstractWaitStrategy.DEFAULT_ATTEMPT_TIMEOUT : spec.healthTimeout();
        try (DowntimeProbe downtime = DowntimeProbe.start(name, running == null ? null : own, attempt, scope.clock())) {
            boolean replaced = false;
            if (app.clusterMode() && running != null && running.app().clusterMode()
                    && current.stream().anyMatch(Pm2Process::isOnline)) {
                try {
                    ClusterReload.replace(scope.pm2(), app, current, (worker, started) -> {
                        watch.watch(name, started);
                        prove(app, List.of(worker), Instant.now());
                    });
                    replaced = true;
                } catch (ClusterReload.Refused e) {
                    // Whatever refused the worker is the plain restart's to meet or report.
                    replaced = false;
                }
            }
            if (!replaced) {
                List<Pm2Process> started = scope.pm2().start(app);
                watch.watch(name, started);
                prove(app, started, scope.clock().instant());
            }
            if (running == null) {
                return Downtime.notMeasured(own == null ? Downtime.NO_HEALTH_CHECK : Downtime.NOT_SERVING);
            }
            return downtime.finish(SETTLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TitanException(name + ": interrupted while it was restored", ExitCodes.FAILED);
        }
    }

    /** Waits for the ready message of each of {@code started} where it sends one, then for an answer of theirs. */
    private void prove(Pm2App app, List<Pm2Process> started, Instant launched) {
        Supplier<Optional<String>> abort = () -> watch.daemonLost().or(() -> watch.problem(name));
        if (app.waitReady()) {
            for (Pm2Process process : started) {
                boolean ready;
                try {
                    ready = ReadyMessage.await(watch, name, process.pmId(), timeout, abort);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TitanException(name + ": interrupted while waiting for its ready message", ExitCodes.FAILED);
                }
                if (!ready) {
                    throw new TitanException(name + " was restored but " + abort.get().orElse("(pid " + process.pid()
                            + ") did not call process.send('ready') within " + Durations.format(timeout)), ExitCodes.FAILED);
                }
            }
        }
        Set<Long> pids = Set.copyOf(started.stream().map(Pm2Process::pid).filter(pid -> pid > 0).toList());
        HealthProbe probe = spec == null ? scope.probe(name)
                : ServiceHealth.workerProbe(spec, pids).orElseGet(() -> scope.probe(name));
        try {
            Wait.forProbe(probe).withStartupTimeout(timeout)
                    .withAttemptTimeout(spec == null ? AbstractWaitStrategy.DEFAULT_ATTEMPT_TIMEOUT : spec.healthTimeout())
                    .withBackoff(ServiceHealth.STARTUP_BACKOFF).withAbortCheck(watch::daemonLost).waitUntilReady();
        } catch (HealthCheckException e) {
            throw new TitanException(name + " was restored but is not healthy within " + Durations.format(timeout)
                    + " of " + launched + ": " + e.getMessage(), e.exitCode());
        }
    }
}
