package io.titan.deploy.deploy;

import io.titan.deploy.change.ChangeDetection;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.Fingerprinter;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One host of a topology as a deployment acts on it, for the one-process deploy
 * ({@link DeploymentOrchestrator}) and the release in steps ({@link HostRelease}) alike: its PM2,
 * its state dir and release journal, the events, where secrets come from, the clock and the log.
 *
 * @param environment where {@code ${VAR}} secrets are resolved from
 * @param log         plain progress lines that are not events (e.g. a stale lock taken over)
 */
record HostTarget(Topology topology, String host, ProcessControl pm2, Path stateDir, ReleaseJournal journal,
                  EventBus events, Map<String, String> environment, Clock clock, Consumer<String> log) {

    /** {@code host} of {@code topology} (null: its only one), with the journal kept in {@code stateDir}. */
    static HostTarget of(Topology topology, String host, ProcessControl pm2, Path stateDir, EventBus events,
                         Map<String, String> environment, Clock clock, Consumer<String> log) {
        return new HostTarget(topology, topology.host(host).name(), pm2, stateDir, new ReleaseJournal(stateDir, clock),
                events, Map.copyOf(environment), clock, log);
    }

    /** What a deployment sees before it changes anything, and what it will change. */
    record Observed(Pm2Snapshot before, ChangeDetection changes) {
    }

    /**
     * With the host's lock held: restores what a killed deployment left unfinished, connects to PM2,
     * takes the one snapshot of what runs, checks that the targets' dependencies that this deployment
     * does not bring up ({@code targets} and {@code elsewhere}) are healthy, and plans.
     *
     * @param waitOtherHosts how long to wait for a dependency on another host
     */
    Observed observe(List<String> targets, Map<String, Pm2App> apps, Set<String> elsewhere, Duration waitOtherHosts,
                     DeployOptions options) {
        Recovery.restoreUnfinished(journal, rollback(), log);
        pm2.initialize();
        events.emit(new DeploymentEvent.Pm2Started(now(), pm2.home()));
        Pm2Snapshot before = pm2.snapshot();
        Targets.requireHealthyDependencies(topology, targets, elsewhere, before, waitOtherHosts, log);
        return new Observed(before, changes(targets, apps, before, options));
    }

    /**
     * What a deploy with {@code options} would do here, from one look at PM2, without the host's lock
     * and without starting a daemon (with none running, every service is a start): {@code plan --diff}.
     */
    ChangePlan preview(DeployOptions options) {
        List<String> targets = Targets.of(topology, host, options.only());
        return changes(targets, Apps.toPm2Apps(topology, targets, environment), pm2.snapshot(), options).plan();
    }

    /**
     * The one fingerprint setup of a deploy, a release's {@code begin} and {@code plan --diff}: the
     * host's salt, and left out of the code hashed the topology file, the state dir, PM2_HOME and the
     * files the run writes ({@link DeployOptions#outputs()}), so that all three agree on what changed.
     */
    private ChangeDetection changes(List<String> targets, Map<String, Pm2App> apps, Pm2Snapshot snapshot,
                                    DeployOptions options) {
        return ChangeDetection.of(topology, targets, apps, snapshot,
                Fingerprinter.forRun(topology, stateDir, Path.of(pm2.home()), options.outputs()), options.force(),
                options.removeOrphans());
    }

    /**
     * Acquires the host for {@code claim}, waiting up to {@code wait} for another holder of its lock;
     * a release that holds the host turns it away unless the claim is the release's own or takes it over.
     */
    DeployLock lock(DeployLock.Claim claim, Duration wait) {
        return DeployLock.acquire(stateDir, claim, wait, clock, log);
    }

    Instant now() {
        return clock.instant();
    }

    Rollback rollback() {
        return new Rollback(pm2, events, clock, environment, topology);
    }
}
