package io.titan.deploy.deploy;

import io.titan.deploy.TitanException;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.config.Secrets;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.graph.DependencyWalk;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.Durations;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.ProcessWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One release's start of its services: each service as soon as its dependencies in the release are
 * healthy (one at a time with the sequential strategy), started, health-gated, then soaked while
 * its dependents start. The first failure stops the rest: services not started by then are
 * skipped. The rollout touches nothing else: removing orphans, recording, verifying and rolling
 * back are the release's end ({@link ReleaseEnd}).
 */
final class Rollout {

    /** How often a soaking service looks whether the deployment was asked to stop. */
    private static final Duration STOP_CHECK = Duration.ofMillis(100);

    private final Topology topology;
    private final ProcessControl pm2;
    private final EventBus events;
    private final Clock clock;
    private final String releaseId;
    private final Map<String, Pm2App> apps;
    private final Set<String> existed;
    private final Supplier<Optional<String>> stopRequest;
    private final Map<String, String> environment;
    private final Map<String, Track> tracks = new LinkedHashMap<>();
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    private volatile String failure;
    private volatile ProcessWatch watch;

    /**
     * @param targets     the release's services, in plan order
     * @param apps        their definitions
     * @param changes     what to do with each (an unchanged service is left alone)
     * @param existed     services PM2 had before the release (deleted before their new start)
     * @param stopRequest a reason to stop from outside (a signal), or empty
     * @param environment where the services' {@code ${VAR}} secrets come from, to mask them in their output
     */
    Rollout(Topology topology, ProcessControl pm2, EventBus events, Clock clock, String releaseId, List<String> targets,
            Map<String, Pm2App> apps, ChangePlan changes, Set<String> existed,
            Supplier<Optional<String>> stopRequest, Map<String, String> environment) {
        this.topology = topology;
        this.pm2 = pm2;
        this.events = events;
        this.clock = clock;
        this.releaseId = releaseId;
        this.apps = apps;
        this.existed = Set.copyOf(existed);
        this.stopRequest = stopRequest;
        this.environment = Map.copyOf(environment);
        for (String name : targets) {
            Track track = new Track(name);
            if (changes.of(name).orElseThrow().action() == ServiceChange.Action.UNCHANGED) {
                track.status = ServiceStatus.UNCHANGED;
                track.message = "running, healthy and the same as before";
                events.emit(new DeploymentEvent.ServiceUnchanged(clock.instant(), releaseId, name));
            }
            tracks.put(name, track);
        }
    }

    /**
     * What the rollout did.
     *
     * @param failure  the first failure, or null
     * @param outcomes per service, in plan order
     * @param touched  services it stopped or started
     */
    record Result(String failure, List<ServiceOutcome> outcomes, Set<String> touched) {
        boolean success() {
            return failure == null;
        }
    }

    /** Starts the services; returns when every started service has passed or failed its soak. */
    Result run(DeployOptions.Strategy strategy) {
        return run(strategy, true);
    }

    /**
     * Starts the services; without {@code soak} a service that passes its health gate ends
     * {@link ServiceStatus#HEALTHY}, its soak left to the caller (a release in steps).
     */
    Result run(DeployOptions.Strategy strategy, boolean soak) {
        List<String> toStart = tracks.values().stream().filter(t -> t.status == ServiceStatus.PENDING)
                .map(t -> t.name).toList();
        try (ProcessWatch watch = pm2.watch()) {
            this.watch = watch;
            HealthGate gate = new HealthGate(pm2, watch);
            int parallelism = strategy == DeployOptions.Strategy.SEQUENTIAL ? 1 : Integer.MAX_VALUE;
            // Nothing more is started once the daemon counts as gone: the plan was made against it.
            DependencyWalk.walk(toStart, DependencyWalk.dependencies(topology.graph()), parallelism,
                    () -> stopped().isPresent() || watch.daemonLost().isPresent(), (name, release) -> {
                        if (start(name, gate, watch)) {
                            release.run();
                            if (soak) {
                                soak(name, watch);
                            } else {
                                tracks.get(name).status = ServiceStatus.HEALTHY;
                            }
                        }
                    });
            // What was started went with the daemon, even when no service was waiting at the time.
            watch.daemonLost().ifPresent(lost -> fail(null, lost));
        }
        if (failure == null && stopRequest.get().isPresent()) {
            failure = stopRequest.get().get();
        }
        skipRemaining();
        recordRestarts();
        return new Result(failure, outcomes(), Set.copyOf(touched));
    }

    /** Starts one service and waits for its health; true when healthy. */
    private boolean start(String name, HealthGate gate, ProcessWatch watch) {
        ServiceSpec spec = topology.service(name);
        Track track = tracks.get(name);
        track.status = ServiceStatus.DEPLOYING;
        track.startedAt = clock.instant();
        events.emit(new DeploymentEvent.ServiceDeploying(track.startedAt, releaseId, name,
                topology.graph().levelOf(name)));
        try {
            touched.add(name);
            watch.keepOutput(name, spec.logLines(), Secrets.values(spec.env().values(), environment));
            track.downtime = new ServiceStart(pm2, clock).run(spec, apps.get(name).toBuilder().releaseId(releaseId).build(),
                    existed.contains(name), gate, watch, this::stopped);
            track.readyAt = clock.instant();
            track.healthy = true;
            events.emit(new DeploymentEvent.ServiceDeployed(track.readyAt, releaseId, name,
                    Duration.between(track.startedAt, track.readyAt), false,
                    track.downtime.window().orElse(null), track.downtime.failed().orElse(null)));
            return true;
        } catch (ServiceFailure e) {
            if (stopped().isPresent()) {
                // Cut short because the rollout stops, not for a fault of its own: settled with the rest.
                return false;
            }
            fail(name, e.getMessage());
            return false;
        } catch (TitanException e) {
            fail(name, name + ": " + e.getMessage());
            return false;
        } catch (RuntimeException e) {
            // Anything unexpected must still fail the release, or a dead worker would look healthy.
            fail(name, name + ": unexpected error: " + e);
            return false;
        }
    }

    /** PM2 must report no exit for the soak time after the service became healthy. */
    private void soak(String name, ProcessWatch watch) {
        ServiceSpec spec = topology.service(name);
        Track track = tracks.get(name);
        Instant until = track.readyAt.plus(spec.soak());
        try {
            while (true) {
                Duration left = Duration.between(clock.instant(), until);
                Optional<String> problem = watch.awaitProblem(name, left.isNegative() ? Duration.ZERO
                        : left.compareTo(STOP_CHECK) > 0 ? STOP_CHECK : left);
                if (problem.isPresent()) {
                    fail(name, name + " " + problem.get() + (watch.daemonLost().isPresent() ? ""
                            : " during the " + Durations.format(spec.soak()) + " soak after it became healthy"));
                    return;
                }
                if (!clock.instant().isBefore(until) || stopped().isPresent()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(name, name + ": interrupted during its soak");
            return;
        }
        if (track.status == ServiceStatus.DEPLOYING && stopped().isEmpty()) {
            track.status = ServiceStatus.DEPLOYED;
        }
    }

    /** Why to stop starting and soaking: the first failure, or a request from outside. */
    private Optional<String> stopped() {
        if (failure != null) {
            return Optional.of("stopped because " + failure);
        }
        return stopRequest.get().map(r -> "stopped: " + r);
    }

    private synchronized void fail(String name, String reason) {
        if (name != null) {
            Track track = tracks.get(name);
            if (track.status != ServiceStatus.FAILED) {
                track.status = ServiceStatus.FAILED;
                track.message = reason;
                track.failedAt = clock.instant();
                events.emit(new DeploymentEvent.ServiceFailed(track.failedAt, releaseId, name, reason));
                showOutput(track);
            }
        }
        if (failure == null && reason != null) {
            failure = reason;
        }
    }

    /** Right after its failure: the last lines the service printed, kept with its outcome and sent as an event. */
    private void showOutput(Track track) {
        ProcessWatch open = watch;
        if (open == null || track.startedAt == null) {
            return;
        }
        track.output = open.output(track.name);
        if (!track.output.isEmpty()) {
            events.emit(new DeploymentEvent.ServiceOutput(clock.instant(), releaseId, track.name, track.output));
        }
    }

    /** Services never started are skipped (saying which dependency failed); those mid-way are settled. */
    private synchronized void skipRemaining() {
        // Skips first: a service cut short by the stop must not read as the dependency that failed.
        for (Track track : tracks.values()) {
            if (track.status == ServiceStatus.PENDING) {
                track.status = ServiceStatus.SKIPPED;
                track.message = topology.graph().transitiveDependenciesOf(track.name).stream()
                        .filter(d -> tracks.containsKey(d) && tracks.get(d).status == ServiceStatus.FAILED)
                        .findFirst()
                        .map(d -> "not started: dependency " + d + " failed")
                        .orElse("not started: the deployment stopped (" + failure + ")");
                events.emit(new DeploymentEvent.ServiceSkipped(clock.instant(), releaseId, track.name, track.message));
            }
        }
        for (Track track : tracks.values()) {
            if (track.status == ServiceStatus.DEPLOYING && track.healthy) {
                track.status = ServiceStatus.DEPLOYED;
            } else if (track.status == ServiceStatus.DEPLOYING) {
                track.status = ServiceStatus.FAILED;
                track.message = "stopped before it was healthy: " + failure;
                events.emit(new DeploymentEvent.ServiceFailed(clock.instant(), releaseId, track.name, track.message));
            }
        }
    }

    /** Restart counts of the services it touched, from one look. */
    private void recordRestarts() {
        try {
            for (Pm2Process p : pm2.processes()) {
                Track t = tracks.get(p.name());
                if (t != null && touched.contains(t.name)) {
                    t.restarts = p.restarts();
                }
            }
        } catch (TitanException e) {
            // The failure that lost the daemon is reported already; restart counts are detail.
        }
    }

    private List<ServiceOutcome> outcomes() {
        List<ServiceOutcome> list = new ArrayList<>();
        for (Track t : tracks.values()) {
            Instant end = t.readyAt != null ? t.readyAt : t.failedAt;
            Duration duration = t.startedAt == null || end == null ? Duration.ZERO : Duration.between(t.startedAt, end);
            list.add(new ServiceOutcome(t.name, t.status, topology.graph().levelOf(t.name),
                    topology.service(t.name).dependsOn(), t.startedAt, t.readyAt, duration, t.restarts, t.message,
                    topology.service(t.name).host(), t.output, t.downtime, null));
        }
        return list;
    }

    /** Mutable per-service progress; status changes under the rollout's lock or by the one worker of the service. */
    private static final class Track {
        final String name;
        volatile ServiceStatus status = ServiceStatus.PENDING;
        volatile Instant startedAt;
        volatile Instant readyAt;
        volatile Instant failedAt;
        volatile boolean healthy;
        volatile int restarts;
        volatile String message;
        volatile List<OutputLine> output = List.of();
        volatile Downtime downtime;

        Track(String name) {
            this.name = name;
        }
    }
}
