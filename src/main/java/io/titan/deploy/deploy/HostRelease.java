package io.titan.deploy.deploy;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.health.Pm2OnlineProbe;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseLease;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ServiceStep;
import io.titan.deploy.release.StepDowntime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One host's part of a release that spans several CLI calls, so that Jenkins can schedule each
 * service as a stage of its own on its host's agent: {@link #begin} records the host's previous
 * release and plans, {@link #service} deploys one service as planned, {@link #finish} validates
 * and accepts, {@link #abort} restores. The host is leased to the release meanwhile
 * ({@link ReleaseLease}); every call renews the lease.
 */
public final class HostRelease {

    /** The plan's action for an orphan it removes; {@link #finish} removes them. */
    private static final String REMOVE = ServiceChange.Action.REMOVE.word();

    private final HostTarget target;

    public HostRelease(Topology topology, String host, ProcessControl pm2, Path stateDir, EventBus events,
                       Map<String, String> environment, Clock clock, Consumer<String> log) {
        this.target = HostTarget.of(topology, host, pm2, stateDir, events, environment, clock, log);
    }

    /**
     * Takes the host for {@code release} until {@code lease} runs out, restores what a dead
     * pipeline or deployer left unfinished, records every service of the host as it runs now, and
     * plans. Nothing is started yet. {@code lease} is the release's: every later step renews it for
     * as long unless it gives another. Null: {@link ReleaseLease#DEFAULT_DURATION}.
     *
     * @throws TitanException exit 4 when another release holds the host (unless
     *                        {@link DeployOptions#takeOver()}); exit 2 when this one already began here
     */
    public ChangePlan begin(String release, Duration lease, DeployOptions options) {
        requireName(release);
        try (DeployLock lock = target.lock(DeployLock.Claim.begin(release, options.takeOver()), options.waitLock())) {
            if (lock.lease().isPresent()) {
                throw new ConfigException("release " + release + " already began on host " + target.host()
                        + "; carry it on with `release service`, or end it with `release finish` or `release abort`");
            }
            List<String> targets = Targets.of(target.topology(), target.host(), options.only());
            Map<String, Pm2App> apps = Apps.toPm2Apps(target.topology(), targets, target.environment());
            Set<String> elsewhere = options.only().isEmpty() ? target.topology().services().keySet() : options.only();
            HostTarget.Observed observed = target.observe(targets, apps, elsewhere, Duration.ZERO, options);
            ReleaseRecord record = ReleaseStart.of(target, release, targets, observed).record();
            Duration given = lease == null ? ReleaseLease.DEFAULT_DURATION : lease;
            new ReleaseLease(release, record.id(), target.now().plus(given), given,
                    ReleaseLease.holderOf(target.environment())).write(target.stateDir());
            return observed.changes().plan();
        }
    }

    /**
     * Deploys one service of the open release as planned (start, restart, or nothing when
     * unchanged): its dependencies must answer their health checks, wherever they run; then it
     * starts, passes its health gate and soaks. Like every later step, it renews the release's lease
     * for {@code lease}, or, when null, for as long as the lease was given.
     *
     * @return what became of it; {@link ServiceStatus#FAILED} leaves the release open for an abort
     * @throws TitanException exit 2 when the service is not this host's part of the release
     */
    public ServiceOutcome service(String release, String name, Duration lease) {
        return service(release, name, lease, false);
    }

    /**
     * As {@link #service(String, String, Duration)}; with {@code untilHealthy} it returns as soon as
     * the service passed its health gate ({@link ServiceStatus#HEALTHY}), so that its dependents can
     * start while {@link #soak} watches it for the rest of its soak.
     */
    public ServiceOutcome service(String release, String name, Duration lease, boolean untilHealthy) {
        requireOnThisHost(name);
        ReleaseRecord record = renew(release, lease);
        if (!record.services().contains(name) || REMOVE.equals(record.actions().get(name))) {
            throw new ConfigException(name + " is not a service of release " + release + " on host " + target.host()
                    + " (its services: " + String.join(", ", record.deployed().keySet()) + ")");
        }
        // The action the plan of `begin` gave it, as the record keeps it: no made-up plan. A record
        // naming none for it restarts it, which cannot leave a changed service as it was.
        ServiceChange.Action action = ServiceChange.Action.valueOf(record.actions().getOrDefault(name, "restart")
                .toUpperCase(java.util.Locale.ROOT));
        Pm2App app = record.deployed().get(name).toPm2App(target.environment());
        Optional<String> unhealthy = unhealthyDependency(name);
        ServiceOutcome outcome = new ServiceDeploy(new ServiceDeploy.Release(target.topology(), target.pm2(),
                target.events(), target.clock(), record.releaseId(), target.environment()), name, action, app,
                record.previous().get(name).existed(), failure -> { }).alone(!untilHealthy, unhealthy);
        record(release, record, outcome);
        return outcome;
    }

    /**
     * The rest of the soak of a service that {@code service(..., untilHealthy)} left healthy: until its
     * soak time after it became healthy has passed, PM2 must report no exit or restart of it, and
     * none may have happened since it became healthy.
     *
     * @return {@link ServiceStatus#DEPLOYED}, or {@link ServiceStatus#FAILED} saying what happened
     * @throws TitanException exit 2 when the service has no soak to finish in this release here
     */
    public ServiceOutcome soak(String release, String name, Duration lease) {
        requireOnThisHost(name);
        ReleaseRecord record = renew(release, lease);
        ServiceStep step = record.steps().get(name);
        if (step == null || !ServiceStatus.HEALTHY.value().equals(step.status())) {
            throw new ConfigException(name + " has no soak to finish in release " + release + " on host "
                    + target.host() + ": " + (step == null ? "`release service " + name + " --until healthy` did not run"
                    : "it is " + step.status()));
        }
        ServiceOutcome outcome = SoakStep.finish(target, record.releaseId(), name, step);
        record(release, record, outcome);
        return outcome;
    }

    private void record(String release, ReleaseRecord record, ServiceOutcome outcome) {
        try (DeployLock lock = target.lock(DeployLock.Claim.step(release), Duration.ofSeconds(30))) {
            target.journal().step(record.id(), outcome.name(), new ServiceStep(outcome.status().value(),
                    text(outcome.startedAt()), text(outcome.readyAt()), outcome.duration().toMillis(),
                    outcome.restarts(), outcome.message(), ServiceStep.lines(outcome.output()),
                    StepDowntime.of(outcome.downtime())));
        }
    }

    /**
     * Validates the host's part ({@code verify}) and accepts the release here: recorded deployed,
     * the host freed. A problem leaves the release open (for an abort) and fails the result.
     *
     * @return the host's part as every {@code release service} call left it
     */
    public DeploymentResult finish(String release, Duration lease, DeploymentOrchestrator.ReleaseVerifier verify) {
        ReleaseRecord record = renew(release, lease);
        ReleaseEnd end = new ReleaseEnd(target, record);
        List<ServiceOutcome> outcomes = outcomes(record);
        Optional<String> problem = outcomes.stream().filter(o -> !o.status().ok()).findFirst()
                .map(o -> o.status() == ServiceStatus.HEALTHY
                        ? o.name() + " passed its health gate, but its soak never ran (`release soak " + o.name() + "`)"
                        : o.name() + " is " + o.status().value() + (o.message() == null ? "" : ": " + o.message()))
                .or(() -> end.removeOrphans(record.services().stream()
                        .filter(name -> REMOVE.equals(record.actions().get(name))).toList(), name -> { }))
                .or(() -> verify.verify(end.deployed(outcomes, target.now())));
        if (problem.isPresent()) {
            return end.failed(problem.get(), outcomes);
        }
        DeploymentResult accepted = end.accept(outcomes, target.now());
        end.completed();
        ReleaseLease.clear(target.stateDir());
        return accepted;
    }

    /**
     * Ends the host's part as failed and leaves it as it is (the steps' {@code rollback: false}, for
     * debugging): nothing restored, the host freed.
     */
    public DeploymentResult keep(String release, String why) {
        ReleaseRecord record = renew(release, null);
        target.events().emit(new DeploymentEvent.DeploymentAborted(target.now(), record.releaseId(), why, false));
        DeploymentResult kept = new ReleaseEnd(target, record).fail(why, outcomes(record));
        ReleaseLease.clear(target.stateDir());
        return kept;
    }

    /**
     * Restores the host's part: every service of the release back to what ran before it,
     * dependents removed first, independent ones at the same time; recorded, the host freed.
     *
     * @return the host's part, each service the restore put back {@link ServiceStatus#ROLLED_BACK}
     */
    public DeploymentResult abort(String release, String why) {
        ReleaseRecord record = renew(release, null);
        Instant rollbackStartedAt = target.now();
        target.events().emit(new DeploymentEvent.DeploymentAborted(rollbackStartedAt, record.releaseId(), why, true));
        DeploymentResult restored = new ReleaseEnd(target, record).restore(why, rollbackStartedAt, Map.of(), Set.of(),
                outcomes(record));
        ReleaseLease.clear(target.stateDir());
        return restored;
    }

    /**
     * Each service of the host's part as its {@code release service} call left it: unchanged when
     * the plan left it alone and no call came, skipped when a change was planned and no call came.
     */
    private List<ServiceOutcome> outcomes(ReleaseRecord record) {
        List<ServiceOutcome> outcomes = new java.util.ArrayList<>();
        for (String name : record.services()) {
            if (REMOVE.equals(record.actions().get(name))) {
                continue;
            }
            ServiceSpec spec = target.topology().services().get(name);
            int level = spec == null ? 0 : target.topology().graph().levelOf(name);
            List<String> dependsOn = spec == null ? List.of() : spec.dependsOn();
            ServiceStep step = record.steps().get(name);
            if (step == null && "unchanged".equals(record.actions().get(name))) {
                step = new ServiceStep(ServiceStatus.UNCHANGED.value(), null, null, 0, 0, null);
            }
            outcomes.add(step == null
                    ? new ServiceOutcome(name, ServiceStatus.SKIPPED, level, dependsOn, null, null, Duration.ZERO, 0,
                            "not deployed: release " + record.release() + " ended before its turn", target.host())
                    : new ServiceOutcome(name, ServiceStatus.of(step.status()), level, dependsOn,
                            instant(step.startedAt()), instant(step.readyAt()), Duration.ofMillis(step.durationMs()),
                            step.restarts(), step.message(), target.host(), step.outputLines(),
                            StepDowntime.of(step), null));
        }
        return outcomes;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    /**
     * The release's record, after checking the lease is this release's and renewing it for
     * {@code lease} (null: for as long as it was given).
     */
    private ReleaseRecord renew(String release, Duration lease) {
        requireName(release);
        try (DeployLock lock = target.lock(DeployLock.Claim.step(release), Duration.ofSeconds(30))) {
            ReleaseLease held = lock.lease().orElseThrow(() -> new ConfigException(
                    "release " + release + " is not open on host " + target.host() + ": no release holds it"
                            + target.journal().history().stream().filter(r -> release.equals(r.release())).findFirst()
                            .map(r -> " (release " + release + " ended here: " + r.status().name()
                                    .toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")").orElse("")));
            ReleaseRecord record = target.journal().find(held.record()).orElseThrow(() -> new TitanException(
                    "the record " + held.record() + " of release " + release + " is gone from " + target.stateDir(),
                    ExitCodes.FAILED));
            held.renewed(target.now(), lease).write(target.stateDir());
            return record;
        }
    }

    /**
     * A step about a service runs on the service's host: on another it would find nothing to do. (One
     * the topology does not have is not the release's either: the record says which are.)
     *
     * @throws ConfigException exit 2 naming the host the topology runs it on
     */
    private void requireOnThisHost(String name) {
        ServiceSpec spec = target.topology().services().get(name);
        if (spec != null && !spec.host().equals(target.host())) {
            throw new ConfigException(name + " is on host " + spec.host() + ", not " + target.host()
                    + ": run its step there (--host " + spec.host() + ", or no --host: the topology says where)");
        }
    }

    /** A reason not to start {@code name}: a dependency that does not answer its health check now. */
    private Optional<String> unhealthyDependency(String name) {
        for (String dependency : target.topology().service(name).dependsOn()) {
            ServiceSpec spec = target.topology().service(dependency);
            HealthProbe probe = ServiceHealth.probe(spec).orElseGet(() -> new Pm2OnlineProbe(target.pm2(), dependency));
            ProbeResult result = probe.probe(spec.healthTimeout());
            if (!result.healthy()) {
                return Optional.of("dependency " + dependency + " on host " + spec.host() + " is not healthy ("
                        + probe.target() + " " + result.observed() + ")");
            }
        }
        return Optional.empty();
    }

    /** What a release id may hold: it names files and PM2 metadata on every host, so no path or shell characters. */
    public static final String RELEASE_ID_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, "
            + "at most 128 characters";

    static void requireName(String release) {
        if (!Pm2App.isReleaseId(release)) {
            throw new ConfigException("--release: '" + release + "' is not a release id: " + RELEASE_ID_RULE
                    + " (e.g. the job name and build number: titan-main-42)");
        }
    }

}
