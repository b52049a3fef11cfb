package io.titan.deploy.deploy;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.health.Durations;
import io.titan.deploy.health.HealthCheckException;
import io.titan.deploy.health.HealthCheckTimeoutException;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.health.Wait;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The services a deploy is about: those of its host, all of them or the {@code --only} ones, with
 * their dependencies up (on this host) or coming up (on others).
 */
final class Targets {

    private Targets() {
    }

    /**
     * The services to deploy, in plan order.
     *
     * @throws ConfigException exit 2 naming an {@code --only} name the topology does not have
     */
    static List<String> of(Topology topology, String host, Set<String> only) {
        List<String> onHost = topology.servicesOn(host);
        for (String name : only) {
            if (!onHost.contains(name)) {
                throw new ConfigException("--only: " + name + " is not a service of " + topology.source()
                        + (topology.services().containsKey(name) ? " on host " + host : "")
                        + " (services" + (topology.hosts().size() > 1 ? " on " + host : "") + ": "
                        + String.join(", ", onHost) + ")");
            }
        }
        return onHost.stream().filter(s -> only.isEmpty() || only.contains(s)).toList();
    }

    /**
     * A deploy of some services only stands on dependencies it does not deploy: each must be online
     * and answer its health check now, or nothing is changed.
     *
     * @throws ConfigException exit 2 naming the service, the dependency and what was seen
     */
    static void requireHealthyDependencies(Topology topology, List<String> targets, Pm2Snapshot pm2,
                                           Duration waitOtherHosts, Consumer<String> log) {
        requireHealthyDependencies(topology, targets, Set.of(), pm2, waitOtherHosts, log);
    }

    /**
     * As above, for one host's part of a release that also deploys {@code elsewhere} on other
     * hosts: those are the release's to bring up, not dependencies to find running.
     */
    static void requireHealthyDependencies(Topology topology, List<String> targets, Set<String> elsewhere,
                                           Pm2Snapshot pm2, Duration waitOtherHosts, Consumer<String> log) {
        for (String name : targets) {
            for (String dependency : topology.service(name).dependsOn()) {
                if (targets.contains(dependency) || elsewhere.contains(dependency)) {
                    continue;
                }
                if (!topology.service(dependency).host().equals(topology.service(name).host())) {
                    awaitOtherHost(topology, name, dependency, waitOtherHosts, log);
                    continue;
                }
                Optional<Pm2Process> process = pm2.process(dependency);
                if (process.isEmpty() || !process.get().isOnline()) {
                    throw new ConfigException("--only: " + name + " depends on " + dependency + ", which is not online ("
                            + process.map(p -> "PM2 status " + p.status().pm2Name()).orElse("not in PM2")
                            + "); deploy it too or start it first. Nothing was changed.");
                }
                ServiceSpec spec = topology.service(dependency);
                Optional<HealthProbe> probe = ServiceHealth.probe(spec);
                if (probe.isPresent()) {
                    ProbeResult result = probe.get().probe(spec.healthTimeout());
                    if (!result.healthy()) {
                        throw new ConfigException("--only: " + name + " depends on " + dependency + ", which is not healthy ("
                                + probe.get().target() + " " + result.observed() + "). Nothing was changed.");
                    }
                }
            }
        }
    }

    /**
     * A dependency on another host deploys in its own process (its host's agent): wait until it
     * answers its health check at its host's address, or give up naming what was seen.
     */
    private static void awaitOtherHost(Topology topology, String name, String dependency, Duration wait,
                                       Consumer<String> log) {
        ServiceSpec spec = topology.service(dependency);
        Optional<HealthProbe> probe = ServiceHealth.probe(spec);
        if (probe.isEmpty()) {
            throw new ConfigException(name + " depends on " + dependency + " on host " + spec.host()
                    + ", which has no health check to reach it by; give it one (health: {http: ...} or {tcp: true})");
        }
        ProbeResult now = probe.get().probe(spec.healthTimeout());
        if (now.healthy()) {
            return;
        }
        if (wait.isZero()) {
            throw new ConfigException("--only: " + name + " depends on " + dependency + " on host " + spec.host()
                    + ", which is not healthy (" + probe.get().target() + " " + now.observed()
                    + "); deploy it too or start it first. Nothing was changed.");
        }
        log.accept("waiting up to " + Durations.format(wait) + " for " + dependency + " on host " + spec.host()
                + " (" + probe.get().target() + ")");
        try {
            Wait.forProbe(probe.get()).withStartupTimeout(wait).withAttemptTimeout(spec.healthTimeout())
                    .withBackoff(ServiceHealth.STARTUP_BACKOFF.withMaxDelay(Duration.ofSeconds(1))).waitUntilReady();
        } catch (HealthCheckTimeoutException e) {
            // The wait's own message repeats "did not become healthy within": say it once, with what was seen.
            throw new TitanException(name + " depends on " + dependency + " on host " + spec.host()
                    + ", which did not become healthy within " + Durations.format(wait) + " (" + probe.get().target()
                    + " " + e.lastObserved() + ", " + e.attempts() + (e.attempts() == 1 ? " attempt" : " attempts")
                    + ")", ExitCodes.FAILED);
        } catch (HealthCheckException e) {
            throw new TitanException(name + " depends on " + dependency + " on host " + spec.host()
                    + ", which did not become healthy: " + e.getMessage(), ExitCodes.FAILED);
        }
    }
}
