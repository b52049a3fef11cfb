package io.titan.deploy.deploy;

import io.titan.deploy.change.ChangeDetection;
import io.titan.deploy.change.Fingerprinter;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Deploys a topology's services under PM2 (the seed's DeploymentOrchestrator): lock the target,
 * finish what a killed deployment left, observe what runs, plan what changes, record the release
 * before anything changes, roll the services out in dependency order ({@link Rollout}), verify,
 * and on any failure restore the release before it from the record.
 */
public final class DeploymentOrchestrator {

    private final Topology topology;
    private final String host;
    private final ProcessControl pm2;
    private final Path stateDir;
    private final ReleaseJournal journal;
    private final EventBus events;
    private final Map<String, String> environment;
    private final Clock clock;
    private final Consumer<String> log;
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
        this.topology = topology;
        this.host = topology.host(host).name();
        this.pm2 = pm2;
        this.stateDir = stateDir;
        this.journal = new ReleaseJournal(stateDir, clock);
        this.events = events;
        this.environment = Map.copyOf(environment);
        this.clock = clock;
        this.log = log;
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
        List<String> targets = Targets.of(topology, host, options.only());
        Map<String, Pm2App> apps = new LinkedHashMap<>();
        targets.forEach(name -> apps.put(name, Apps.toPm2App(topology.service(name), environment)));
        try (DeployLock lock = DeployLock.acquire(stateDir, "deploy " + topology.source(), options.waitLock(), log)) {
            Recovery.restoreUnfinished(journal, rollback(), stateDir, clock, log);
            pm2.initialize();
            events.emit(new DeploymentEvent.Pm2Started(clock.instant(), pm2.home()));
            Pm2Snapshot before = pm2.snapshot();
            Targets.requireHealthyDependencies(topology, targets, before, options.waitDependencies(), log);
            ChangeDetection changes = ChangeDetection.of(topology, targets, apps, before,
                    Fingerprinter.forRun(topology, stateDir, Path.of(pm2.home()), options.outputs()),
                    options.force(), options.removeOrphans());
            List<String> orphans = orphansToRemove(changes);
            List<String> recorded = new ArrayList<>(targets);
            recorded.addAll(orphans);
            ReleaseRecord record = journal.begin(topology.source(), recorded, before.definitions(), changes.wanted(),
                    Apps.secretTemplates(topology));
            Instant startedAt = Instant.parse(record.startedAt());
            events.emit(new DeploymentEvent.DeploymentStarted(startedAt, record.id(), targets));
            Rollout.Result rollout = new Rollout(topology, pm2, events, clock, record.id(), targets, changes.wanted(),
                    changes.plan(), before.definitions().keySet(), () -> Optional.ofNullable(stopReason))
                    .run(options.strategy(), orphans);
            return conclude(record, startedAt, rollout, options, verify, before);
        }
    }

    /** Accepts a rolled-out release once verified; otherwise records the failure and restores. */
    private DeploymentResult conclude(ReleaseRecord record, Instant startedAt, Rollout.Result rollout,
                                      DeployOptions options, ReleaseVerifier verify, Pm2Snapshot before) {
        String failure = rollout.failure();
        if (failure == null) {
            Instant done = clock.instant();
            events.emit(new DeploymentEvent.DeploymentCompleted(done, record.id(), Duration.between(startedAt, done)));
            DeploymentResult accepted = DeploymentResult.deployed(record.id(), startedAt, done, rollout.outcomes());
            // The record stays unfinished until the release is verified: a deployer killed while
            // validating leaves a release that the next deploy or recover undoes.
            failure = verify.verify(accepted)
                    .or(() -> Optional.ofNullable(stopReason).map(r -> "stopped before it was accepted: " + r))
                    .orElse(null);
            if (failure == null) {
                journal.deployed(record, rollout.versions());
                return accepted;
            }
        }
        events.emit(new DeploymentEvent.DeploymentFailed(clock.instant(), record.id(), failure));
        if (!options.rollback()) {
            journal.failed(record, failure);
            return DeploymentResult.failed(record.id(), failure, startedAt, clock.instant(), rollout.outcomes());
        }
        if (restoreElsewhere) {
            log.accept("release " + record.id() + " is left unfinished for the restorer: " + failure);
            return DeploymentResult.failed(record.id(), failure + "; the previous release is being restored by"
                    + " `titan-deploy recover`, which runs outside this process", startedAt, clock.instant(),
                    rollout.outcomes());
        }
        Instant rollbackStart = clock.instant();
        Rollback.Result restored = Recovery.restore(journal, rollback(), record, record.services(), before.apps(),
                rollout.touched(), failure, failure);
        return DeploymentResult.rolledBack(record.id(), failure, startedAt, rollbackStart, clock.instant(),
                rollout.outcomes(), restored);
    }

    private List<String> orphansToRemove(ChangeDetection changes) {
        List<String> orphans = new ArrayList<>();
        for (ServiceChange orphan : changes.plan().orphans()) {
            if (orphan.action() == ServiceChange.Action.REMOVE) {
                orphans.add(orphan.name());
            } else {
                log.accept("orphan " + orphan.name() + ": " + orphan.reasons().get(0));
            }
        }
        return orphans;
    }

    private Rollback rollback() {
        return new Rollback(pm2, events, clock, environment, topology);
    }

    /** Checks a deployed release before it is accepted. */
    @FunctionalInterface
    public interface ReleaseVerifier {
        /** A reason to roll the release back, or empty to keep it. */
        Optional<String> verify(DeploymentResult deployed);
    }
}
