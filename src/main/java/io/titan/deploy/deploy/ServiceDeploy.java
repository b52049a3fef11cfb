package io.titan.deploy.deploy;

import io.titan.deploy.TitanException;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.config.Secrets;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.Durations;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.ProcessWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Deploying one service of a release, written once for both drivers: the one-process deploy's walk
 * ({@link Rollout}) runs one per service, and a release in steps ({@link HostRelease#service}) runs
 * the one a step names. The plan's action decides: an unchanged service is left alone; any other is
 * put in place of what ran ({@link ServiceStart}), health-gated ({@link HealthGate}) and soaked,
 * unless its caller soaks it later ({@link SoakStep}). A failure is the service's, and is told to
 * the caller so that the rest of its release can stop.
 */
final class ServiceDeploy {

    /** How often a soaking service looks whether the deployment was asked to stop. */
    private static final Duration STOP_CHECK = Duration.ofMillis(100);

    /**
     * What the services of one release deploy with.
     *
     * @param environment where the services' {@code ${VAR}} secrets come from, to mask them in their output
     */
    record Release(Topology topology, ProcessControl pm2, EventBus events, Clock clock, String releaseId,
                   Map<String, String> environment) {
        Release {
            environment = Map.copyOf(environment);
        }
    }

    private final Release release;
    private final String name;
    private final ServiceSpec spec;
    private final Pm2App app;
    private final boolean existed;
    private final Consumer<String> failures;
    // Progress: changed by the one worker of the service, or under the caller's lock once workers are done.
    private volatile ServiceStatus status = ServiceStatus.PENDING;
    private volatile Instant startedAt;
    private volatile Instant readyAt;
    private volatile Instant failedAt;
    private volatile boolean healthy;
    private volatile int restarts;
    private volatile String message;
    private volatile List<OutputLine> output = List.of();
    private volatile Downtime downtime;

    /**
     * @param action   what the release's plan does with it; {@code UNCHANGED} leaves it alone
     * @param app      its definition in the release
     * @param existed  PM2 had it before the release (deleted before its new start)
     * @param failures told the reason when it fails
     */
    ServiceDeploy(Release release, String name, ServiceChange.Action action, Pm2App app, boolean existed,
                  Consumer<String> failures) {
        this.release = release;
        this.name = name;
        this.spec = release.topology().service(name);
        this.app = app;
        this.existed = existed;
        this.failures = failures;
        if (action == ServiceChange.Action.UNCHANGED) {
            status = ServiceStatus.UNCHANGED;
            message = "running, healthy and the same as before";
            release.events().emit(new DeploymentEvent.ServiceUnchanged(release.clock().instant(), release.releaseId(), name));
        }
    }

    String name() {
        return name;
    }

    ServiceStatus status() {
        return status;
    }

    /** Whether it was started (PM2 may have changed it). */
    boolean touched() {
        return startedAt != null;
    }

    /**
     * This service alone, as a step of a release deploys one: with a watch on PM2 of its own, unless
     * {@code unready} gives a reason not to start it (it is then skipped, saying why).
     *
     * @param soak false: a service that passes its health gate ends {@link ServiceStatus#HEALTHY}
     */
    ServiceOutcome alone(boolean soak, Optional<String> unready) {
        if (status != ServiceStatus.PENDING) {
            return outcome();
        }
        if (unready.isPresent()) {
            skip("not started: the deployment stopped (" + unready.get() + ")");
            return outcome();
        }
        Optional<String> lost;
        try (ProcessWatch watch = release.pm2().watch()) {
            // Nothing is started once the daemon counts as gone, as in a walk of several.
            lost = watch.daemonLost();
            if (lost.isEmpty()) {
                deploy(new HealthGate(release.pm2(), watch), watch, soak, () -> { },
                        () -> status == ServiceStatus.FAILED ? Optional.of("stopped because " + message) : Optional.empty());
                lost = watch.daemonLost();
            }
        }
        if (status == ServiceStatus.PENDING) {
            skip("not started: the deployment stopped (" + lost.orElseThrow() + ")");
        }
        settle(lost.orElse(null));
        recordRestarts(release.pm2(), List.of(this));
        return outcome();
    }

    /**
     * Starts it, waits for its health, runs {@code onHealthy}, then soaks it (without {@code soak}
     * it ends {@link ServiceStatus#HEALTHY}). Returns at once when it fails or {@code stopped} says why.
     */
    void deploy(HealthGate gate, ProcessWatch watch, boolean soak, Runnable onHealthy,
                Supplier<Optional<String>> stopped) {
        if (!start(gate, watch, stopped)) {
            return;
        }
        onHealthy.run();
        if (soak) {
            soak(watch, stopped);
        } else {
            status = ServiceStatus.HEALTHY;
        }
    }

    /** Starts it and waits for its health; true when healthy. */
    private boolean start(HealthGate gate, ProcessWatch watch, Supplier<Optional<String>> stopped) {
        status = ServiceStatus.DEPLOYING;
        startedAt = release.clock().instant();
        release.events().emit(new DeploymentEvent.ServiceDeploying(startedAt, release.releaseId(), name,
                release.topology().graph().levelOf(name)));
        try {
            watch.keepOutput(name, spec.logLines(), Secrets.values(spec.env().values(), release.environment()));
            downtime = new ServiceStart(release.pm2(), release.clock()).run(spec,
                    app.toBuilder().releaseId(release.releaseId()).build(), existed, gate, watch, stopped);
            readyAt = release.clock().instant();
            healthy = true;
            release.events().emit(new DeploymentEvent.ServiceDeployed(readyAt, release.releaseId(), name,
                    Duration.between(startedAt, readyAt), false,
                    downtime.window().orElse(null), downtime.failed().orElse(null)));
            return true;
        } catch (ServiceFailure e) {
            if (stopped.get().isPresent()) {
                // Cut short because the release stops, not for a fault of its own: settled with the rest.
                return false;
            }
            fail(e.getMessage(), watch);
            return false;
        } catch (TitanException e) {
            fail(name + ": " + e.getMessage(), watch);
            return false;
        } catch (RuntimeException e) {
            // Anything unexpected must still fail the release, or a dead worker would look healthy.
            fail(name + ": unexpected error: " + e, watch);
            return false;
        }
    }

    /** PM2 must report no exit for the soak time after the service became healthy. */
    private void soak(ProcessWatch watch, Supplier<Optional<String>> stopped) {
        Instant until = readyAt.plus(spec.soak());
        try {
            while (true) {
                Duration left = Duration.between(release.clock().instant(), until);
                Optional<String> problem = watch.awaitProblem(name, left.isNegative() ? Duration.ZERO
                        : left.compareTo(STOP_CHECK) > 0 ? STOP_CHECK : left);
                if (problem.isPresent()) {
                    fail(name + " " + problem.get() + (watch.daemonLost().isPresent() ? ""
                            : " during the " + Durations.format(spec.soak()) + " soak after it became healthy"), watch);
                    return;
                }
                if (!release.clock().instant().isBefore(until) || stopped.get().isPresent()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(name + ": interrupted during its soak", watch);
            return;
        }
        if (status == ServiceStatus.DEPLOYING && stopped.get().isEmpty()) {
            status = ServiceStatus.DEPLOYED;
        }
    }

    /**
     * Fails it, once: the event, then the last lines it printed (kept with its outcome and sent as an
     * event), then the caller is told.
     */
    private void fail(String reason, ProcessWatch watch) {
        synchronized (this) {
            if (status == ServiceStatus.FAILED) {
                return;
            }
            status = ServiceStatus.FAILED;
            message = reason;
            failedAt = release.clock().instant();
        }
        release.events().emit(new DeploymentEvent.ServiceFailed(failedAt, release.releaseId(), name, reason));
        output = watch.output(name);
        if (!output.isEmpty()) {
            release.events().emit(new DeploymentEvent.ServiceOutput(release.clock().instant(), release.releaseId(), name,
                    output));
        }
        failures.accept(reason);
    }

    /** Not started, saying why. */
    void skip(String why) {
        if (status == ServiceStatus.PENDING) {
            status = ServiceStatus.SKIPPED;
            message = why;
            release.events().emit(new DeploymentEvent.ServiceSkipped(release.clock().instant(), release.releaseId(), name,
                    why));
        }
    }

    /** Once its release stopped ({@code failure}, or null): one mid-way is deployed if it was healthy, else failed. */
    void settle(String failure) {
        if (status == ServiceStatus.DEPLOYING && healthy) {
            status = ServiceStatus.DEPLOYED;
        } else if (status == ServiceStatus.DEPLOYING) {
            status = ServiceStatus.FAILED;
            message = "stopped before it was healthy: " + failure;
            release.events().emit(new DeploymentEvent.ServiceFailed(release.clock().instant(), release.releaseId(), name,
                    message));
        }
    }

    /** Restart counts of the services that were started, from one look at PM2. */
    static void recordRestarts(ProcessControl pm2, Collection<ServiceDeploy> services) {
        try {
            for (Pm2Process p : pm2.processes()) {
                services.stream().filter(s -> s.name.equals(p.name()) && s.touched()).forEach(s -> s.restarts = p.restarts());
            }
        } catch (TitanException e) {
            // The failure that lost the daemon is reported already; restart counts are detail.
        }
    }

    /** What became of it. */
    ServiceOutcome outcome() {
        Instant end = readyAt != null ? readyAt : failedAt;
        Duration duration = startedAt == null || end == null ? Duration.ZERO : Duration.between(startedAt, end);
        return new ServiceOutcome(name, status, release.topology().graph().levelOf(name), spec.dependsOn(), startedAt,
                readyAt, duration, restarts, message, spec.host(), output, downtime, null);
    }
}
