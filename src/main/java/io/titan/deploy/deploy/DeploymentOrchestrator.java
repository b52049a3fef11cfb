package io.titan.deploy.deploy;

import io.titan.deploy.change.ChangeDetection;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Deploys a topology's services under PM2 (the seed's DeploymentOrchestrator): lock the target,
 * finish what a killed deployment left, observe what runs, plan what changes, record the release
 * before anything changes, roll the services out in dependency order ({@link Rollout}), verify,
 * and on any failure restore the release before it from the record.
 */
public final class DeploymentOrchestrator {

    private final HostTarget target;
    private volatile String stopReason;
    private volatile boolean restoreElsewhere;

    /**
     * @param stateDir    where release records and the lock live
     * @param environment where {@code ${VAR}} secrets are resolved from
     * @param log         plain progress lines that are not events (e.g. a stale lock taken over)
     */
    public DeploymentOrchestrator(Topology topology, ProcessControl pm2, Path stateDir, EventBus events,
                                  Map<String, String> environment, Clock clock, Consumer<String> log) {
        this(topology, topology.hostOrOnly(null).name(), pm2, stateDir, events, environment, clock, log);
    }

    /**
     * For one host of a topology with several: it deploys that host's services, on that host's
     * PM2 ({@code pm2}) and state dir, and waits for their dependencies on other hosts.
     */
    public DeploymentOrchestrator(Topology topology, String host, ProcessControl pm2, Path stateDir, EventBus events,
                                  Map<String, String> environment, Clock clock, Consumer<String> log) {
        this.target = HostTarget.of(topology, host, pm2, stateDir, events, environment, clock, log);
    }

    /** Asks a running deployment to stop and roll back (a signal, a cancelled build). */
    public void abort(String reason) {
        stopReason = reason;
    }

    /**
     * Tells a deployment that something outside this process restores the previous release (the
     * CLI's restorer after SIGTERM): when it stops, it leaves its release unfinished instead of
     * restoring it itself. A rollback already under way carries on.
     */
    public void restoreElsewhere() {
        restoreElsewhere = true;
    }

    /** Deploys every service of the topology, in parallel where the graph allows, rolling back on failure. */
    public DeploymentResult deployAll() {
        return deploy(DeployOptions.defaults());
    }

    /**
     * What {@link #deploy(DeployOptions)} with the same options would do to each service, and why
     * ({@code plan --diff}): the same inputs and fingerprints, without the host's lock, without
     * changing anything and without starting a PM2 daemon.
     */
    public ChangePlan preview(DeployOptions options) {
        return target.preview(options);
    }

    /**
     * Deploys. Bad input (unknown {@code --only} names, unset secrets, dependencies of {@code --only}
     * services that are not healthy) is rejected with exit code 2 before anything is touched.
     */
    public DeploymentResult deploy(DeployOptions options) {
        return deploy(options, result -> Optional.empty());
    }

    /**
     * Deploys, then runs {@code verify} on the deployed release while still holding the target's
     * lock; when it names a problem the release is rolled back as for any other failure (the seed's
     * deployToProduction: deploy, validate, roll back when validation fails).
     */
    public DeploymentResult deploy(DeployOptions options, ReleaseVerifier verify) {
        Topology topology = target.topology();
        List<String> targets = Targets.of(topology, target.host(), options.only());
        Map<String, Pm2App> apps = Apps.toPm2Apps(topology, targets, target.environment());
        try (DeployLock lock = target.lock(DeployLock.Claim.command("deploy " + topology.source(), options.takeOver()),
                options.waitLock())) {
            HostTarget.Observed observed = target.observe(targets, apps, Set.of(), options.waitDependencies(), options);
            Pm2Snapshot before = observed.before();
            ChangeDetection changes = observed.changes();
            ReleaseStart start = ReleaseStart.of(target, null, targets, observed);
            ReleaseRecord record = start.record();
            List<String> orphans = start.orphans();
            ReleaseEnd end = new ReleaseEnd(target, record);
            Rollout.Result rollout = new Rollout(topology, target.pm2(), target.events(), target.clock(), record.releaseId(),
                    targets, changes.wanted(), changes.plan(), before.definitions().keySet(),
                    () -> Optional.ofNullable(stopReason), target.environment()).run(options.strategy());
            return conclude(end, rollout, orphans, options, verify, before);
        }
    }

    /**
     * Removes the orphans after a rollout without failure, then accepts the release once verified;
     * otherwise records the failure and restores.
     */
    private DeploymentResult conclude(ReleaseEnd end, Rollout.Result rollout, List<String> orphans,
                                      DeployOptions options, ReleaseVerifier verify, Pm2Snapshot before) {
        Set<String> touched = new HashSet<>(rollout.touched());
        String failure = rollout.failure() != null ? rollout.failure()
                : end.removeOrphans(orphans, touched::add).orElse(null);
        List<ServiceOutcome> outcomes = rollout.outcomes();
        if (failure == null) {
            Instant done = end.completed();
            // The record stays unfinished until the release is verified: a deployer killed while
            // validating leaves a release that the next deploy or recover undoes.
            failure = verify.verify(end.deployed(outcomes, done))
                    .or(() -> Optional.ofNullable(stopReason).map(r -> "stopped before it was accepted: " + r))
                    .orElse(null);
            if (failure == null) {
                return end.accept(outcomes, done);
            }
        }
        String releaseId = end.releaseId();
        target.events().emit(new DeploymentEvent.DeploymentFailed(target.now(), releaseId, failure));
        if (!options.rollback()) {
            return end.fail(failure, outcomes);
        }
        if (restoreElsewhere) {
            target.log().accept("release " + releaseId + " is left unfinished for the restorer: " + failure);
            return end.failed(failure + "; the previous release is being restored by"
                    + " `titan-deploy recover`, which runs outside this process", outcomes);
        }
        return end.restore(failure, target.now(), before.apps(), touched, outcomes);
    }

    /** Checks a deployed release before it is accepted. */
    @FunctionalInterface
    public interface ReleaseVerifier {
        /** A reason to roll the release back, or empty to keep it. */
        Optional<String> verify(DeploymentResult deployed);
    }
}
