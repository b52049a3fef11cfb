package io.titan.deploy.deploy;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.graph.DependencyWalk;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseLease;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.Status;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import io.titan.deploy.rollback.RollbackPlan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What a person does to a host besides deploying: recover after a killed deployment, roll back,
 * stop. Each acquires the host first, as a deploy does: a release a live pipeline holds the host
 * for turns them away (exit 4) unless {@code takeOver}.
 */
public final class HostActions {

    private final HostTarget target;
    private final Pm2Manager pm2;
    private final Clock clock;

    /**
     * @param stateDir    where release records and the lock live
     * @param environment where {@code ${VAR}} secrets of restored definitions are resolved from
     * @param log         plain progress lines (a stale lock taken over, an unfinished release restored)
     */
    public HostActions(Topology topology, String host, Pm2Manager pm2, Path stateDir, EventBus events,
                       Map<String, String> environment, Clock clock, Consumer<String> log) {
        this.target = HostTarget.of(topology, host, pm2, stateDir, events, environment, clock, log);
        this.pm2 = pm2;
        this.clock = clock;
    }

    /**
     * Restores the release before an unfinished one (its deployer was killed, or its pipeline's
     * lease ran out or was taken over); does nothing when the newest release finished, so it is
     * safe to run any number of times.
     *
     * @param claim    how the lock names this caller ({@code recover}, {@code recover (restorer)})
     * @param waitLock how long to wait for a deployment or restore under way
     */
    public Recovered recover(String claim, Duration waitLock, boolean takeOver) {
        try (DeployLock lock = target.lock(DeployLock.Claim.command(claim, takeOver), waitLock)) {
            if (target.journal().unfinished().isPresent()) {
                target.pm2().initialize();
            }
            Optional<Recovery.Restored> restored = Recovery.recoverUnfinished(target.journal(), target.rollback(),
                    target.log());
            Optional<ReleaseRecord> latest = target.journal().latest();
            if (restored.isEmpty()) {
                return new Recovered(false, latest.map(ReleaseRecord::releaseId).orElse(null),
                        latest.map(HostActions::status).orElse(null),
                        latest.map(r -> "nothing to recover: release " + r.releaseId() + " is " + status(r)
                                + (r.error() == null ? "" : " (" + r.error() + ")"))
                                .orElse("nothing to recover: no releases yet"), Map.of(), ExitCodes.OK);
            }
            ReleaseRecord record = restored.get().release();
            Rollback.Result result = restored.get().result();
            return new Recovered(true, record.releaseId(), status(latest.orElse(record)), result.success()
                    ? "release " + record.releaseId() + " did not finish; the release before it was restored"
                    : "release " + record.releaseId() + " did not finish and restoring the release before it failed: "
                    + result.message(), result.actions(),
                    result.success() ? ExitCodes.OK : ExitCodes.ROLLBACK_FAILED);
        }
    }

    /**
     * Puts back the release before the current one. An unfinished release counts as current, so
     * this is also the manual recovery: restoring that release's part is the rollback.
     *
     * @throws TitanException exit 2 when no release was deployed here
     */
    public Rollback.Result rollback(Duration waitLock, boolean takeOver) {
        try (DeployLock lock = target.lock(DeployLock.Claim.command("rollback", takeOver), waitLock)) {
            ReleaseRecord record = current();
            target.pm2().initialize();
            return Recovery.restore(target.journal(), target.rollback(), record, record.services(), Map.of(),
                    Set.of(), "rollback requested", "rolled back by hand");
        }
    }

    /**
     * What {@link #rollback} would restore now, and why, changing nothing: no lock, no daemon started,
     * no record written ({@code titan-deploy rollback --dry-run}).
     *
     * @throws TitanException exit 2 when no release was deployed here
     */
    public RollbackPlan rollbackPlan() {
        return RollbackPlan.of("rollback", current(), target.host(), target.pm2().snapshot(), target.topology());
    }

    /**
     * What {@code release abort} of {@code release} would restore on this host now, and why, changing
     * nothing: the record the host's lease names, read without taking the host or renewing the lease
     * (the lease rule is {@link DeployLock#refusal}'s, as for the abort itself).
     *
     * @throws ConfigException exit 2 for a bad id or when no release holds the host; {@link TitanException}
     *                         exit 4 when another release does
     */
    public RollbackPlan abortPlan(String release) {
        HostRelease.requireName(release);
        ReleaseLease held = ReleaseLease.read(target.stateDir()).orElseThrow(() -> new ConfigException(
                "release " + release + " is not open on host " + target.host() + ": no release holds it"));
        Optional<TitanException> refused = DeployLock.refusal(Optional.of(held), DeployLock.Claim.step(release),
                clock.instant());
        if (refused.isPresent()) {
            throw refused.get();
        }
        ReleaseRecord record = target.journal().find(held.record()).orElseThrow(() -> new TitanException(
                "the record " + held.record() + " of release " + release + " is gone from " + target.stateDir(),
                ExitCodes.FAILED));
        return RollbackPlan.of("release abort", record, target.host(), target.pm2().snapshot(), target.topology());
    }

    /**
     * The release a rollback undoes: the newest deployed or unfinished one (an unfinished one's part is
     * what a rollback, once it has the host, restores).
     */
    private ReleaseRecord current() {
        return target.journal().history().stream()
                .filter(r -> r.status() == Status.DEPLOYED || r.status() == Status.IN_PROGRESS)
                .findFirst()
                .orElseThrow(() -> new TitanException("nothing to roll back: no deployed release in "
                        + target.stateDir(), ExitCodes.BAD_INPUT));
    }

    /**
     * Stops and deletes the host's apps of the topology, dependents first, independent ones at once.
     * A release whose lease this ends ({@code takeOver}, or run out) is restored first, so that its
     * record does not stay unfinished for the next deploy to restore over a stopped host.
     *
     * @param killDaemon also stop the host's PM2 daemon
     * @return each service in the order stopped, with whether it ran (false: absent)
     */
    public Map<String, Boolean> stop(boolean takeOver, boolean killDaemon) {
        try (DeployLock lock = target.lock(DeployLock.Claim.command("stop", takeOver), Duration.ZERO)) {
            if (lock.ended().isPresent()) {
                target.pm2().initialize();
                Recovery.restoreUnfinished(target.journal(), target.rollback(), target.log());
            }
            // This host's services only: another host's are not this PM2's to stop.
            List<String> services = target.topology().servicesOn(target.host());
            Map<String, Boolean> removed = new ConcurrentHashMap<>();
            DependencyWalk.inReverseDependencyOrder(services, target.topology().graph(),
                    name -> removed.put(name, pm2.deleteIfPresent(name)));
            List<String> order = new ArrayList<>(services);
            Collections.reverse(order);
            Map<String, Boolean> stopped = new LinkedHashMap<>();
            order.forEach(name -> stopped.put(name, removed.get(name)));
            if (killDaemon) {
                pm2.kill();
            }
            return stopped;
        }
    }

    private static String status(ReleaseRecord record) {
        return record.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * What {@link #recover} did.
     *
     * @param recovered whether an unfinished release was found (and the one before it restored)
     * @param release   that release, else the newest one (null: none yet)
     * @param status    how that release stands now ({@code rolled-back}, {@code deployed}, ...)
     * @param services  what the restore did to each service
     * @param exitCode  0, or 3 when the restore failed
     */
    public record Recovered(boolean recovered, String release, String status, String message,
                            Map<String, String> services, int exitCode) {
        public Recovered {
            services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        }
    }
}
