package io.titan.deploy.deploy;

import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.graph.DependencyWalk;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.ProcessWatch;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One release's start of its services: each service as soon as its dependencies in the release are
 * healthy (one at a time with the sequential strategy), started, health-gated, then soaked while
 * its dependents start ({@link ServiceDeploy}, the unit a release in steps runs too). The first
 * failure stops the rest: services not started by then are skipped. The rollout touches nothing
 * else: removing orphans, recording, verifying and rolling back are the release's end
 * ({@link ReleaseEnd}).
 */
final class Rollout {

    private final Topology topology;
    private final ProcessControl pm2;
    private final Supplier<Optional<String>> stopRequest;
    private final Map<String, ServiceDeploy> services = new LinkedHashMap<>();
    private volatile String failure;

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
        this.stopRequest = stopRequest;
        ServiceDeploy.Release release = new ServiceDeploy.Release(topology, pm2, events, clock, releaseId, environment);
        for (String name : targets) {
            services.put(name, new ServiceDeploy(release, name, changes.of(name).orElseThrow().action(), apps.get(name),
                    existed.contains(name), this::failed));
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
        List<String> toStart = services.values().stream().filter(s -> s.status() == ServiceStatus.PENDING)
                .map(ServiceDeploy::name).toList();
        try (ProcessWatch watch = pm2.watch()) {
            HealthGate gate = new HealthGate(pm2, watch);
            int parallelism = strategy == DeployOptions.Strategy.SEQUENTIAL ? 1 : Integer.MAX_VALUE;
            // Nothing more is started once the daemon counts as gone: the plan was made against it.
            DependencyWalk.walk(toStart, DependencyWalk.dependencies(topology.graph()), parallelism,
                    () -> stopped().isPresent() || watch.daemonLost().isPresent(),
                    (name, release) -> services.get(name).deploy(gate, watch, true, release, this::stopped));
            // What was started went with the daemon, even when no service was waiting at the time.
            watch.daemonLost().ifPresent(this::failed);
        }
        if (failure == null && stopRequest.get().isPresent()) {
            failure = stopRequest.get().get();
        }
        skipRemaining();
        ServiceDeploy.recordRestarts(pm2, services.values());
        return new Result(failure, services.values().stream().map(ServiceDeploy::outcome).toList(),
                services.values().stream().filter(ServiceDeploy::touched).map(ServiceDeploy::name)
                        .collect(Collectors.toUnmodifiableSet()));
    }

    /** Why to stop starting and soaking: the first failure, or a request from outside. */
    private Optional<String> stopped() {
        if (failure != null) {
            return Optional.of("stopped because " + failure);
        }
        return stopRequest.get().map(r -> "stopped: " + r);
    }

    /** The release's first failure stops the rest. */
    private synchronized void failed(String reason) {
        if (failure == null) {
            failure = reason;
        }
    }

    /** Services never started are skipped (saying which dependency failed); those mid-way are settled. */
    private synchronized void skipRemaining() {
        // Skips first: a service cut short by the stop must not read as the dependency that failed.
        for (ServiceDeploy service : services.values()) {
            if (service.status() == ServiceStatus.PENDING) {
                service.skip(topology.graph().transitiveDependenciesOf(service.name()).stream()
                        .filter(d -> services.containsKey(d) && services.get(d).status() == ServiceStatus.FAILED)
                        .findFirst()
                        .map(d -> "not started: dependency " + d + " failed")
                        .orElse("not started: the deployment stopped (" + failure + ")"));
            }
        }
        for (ServiceDeploy service : services.values()) {
            service.settle(failure);
        }
    }
}
