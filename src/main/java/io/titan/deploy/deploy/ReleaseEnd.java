package io.titan.deploy.deploy;

import io.titan.deploy.TitanException;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The end of one host's part of a release, written once for both drivers: the one-process deploy
 * ({@link DeploymentOrchestrator}) and the release in steps ({@link HostRelease}). It removes the
 * orphans the plan removes, accepts the release (recorded deployed with the versions PM2 reports),
 * ends it failed and left as it is, or restores the release before it. What each driver adds is
 * only when it ends, and the event saying why (a failure, an abort).
 */
final class ReleaseEnd {

    private final HostTarget target;
    private final ReleaseRecord record;
    private final Instant startedAt;

    /** The end of {@code record}, the release's record on {@code target}'s host. */
    ReleaseEnd(HostTarget target, ReleaseRecord record) {
        this.target = target;
        this.record = record;
        this.startedAt = Instant.parse(record.startedAt());
    }

    /** The id of the release's record. */
    String releaseId() {
        return record.releaseId();
    }

    /** When the release began, as its record says. */
    Instant startedAt() {
        return startedAt;
    }

    /**
     * Removes the orphans the release planned to remove ({@code --remove-orphans}), in order; each is
     * passed to {@code touched} before PM2 is asked to delete it.
     *
     * @return the failure to remove one (the rest are left), or empty
     */
    Optional<String> removeOrphans(List<String> orphans, Consumer<String> touched) {
        for (String name : orphans) {
            touched.accept(name);
            try {
                target.pm2().delete(name);
                target.events().emit(new DeploymentEvent.ServiceRemoved(target.now(), record.releaseId(), name,
                        "not in the topology (--remove-orphans)"));
            } catch (TitanException e) {
                return Optional.of("could not remove orphan " + name + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Says the release's services are in place; returns when. */
    Instant completed() {
        Instant done = target.now();
        target.events().emit(new DeploymentEvent.DeploymentCompleted(done, record.releaseId(),
                Duration.between(startedAt, done)));
        return done;
    }

    /** The release as deployed, not (yet) accepted: what a verifier looks at. */
    DeploymentResult deployed(List<ServiceOutcome> outcomes, Instant finishedAt) {
        return DeploymentResult.deployed(record.releaseId(), startedAt, finishedAt, outcomes);
    }

    /** Accepts the release: recorded deployed, with the version PM2 reports for each of its services now. */
    DeploymentResult accept(List<ServiceOutcome> outcomes, Instant finishedAt) {
        target.journal().deployed(record, versions());
        return deployed(outcomes, finishedAt);
    }

    /** Ends the release failed and leaves the host as it is: recorded failed, nothing restored. */
    DeploymentResult fail(String why, List<ServiceOutcome> outcomes) {
        target.journal().failed(record, why);
        return failed(why, outcomes);
    }

    /** The release failed, and nothing is recorded here: it stays open for whoever ends it. */
    DeploymentResult failed(String why, List<ServiceOutcome> outcomes) {
        return DeploymentResult.failed(record.releaseId(), why, startedAt, target.now(), outcomes);
    }

    /**
     * Restores every service of the release to what ran before it and records the restore.
     *
     * @param clearPrevious previous definitions with secrets in clear, when this process has them
     * @param touched       services known to have been changed: always restored
     */
    DeploymentResult restore(String why, Instant rollbackStartedAt, Map<String, Pm2App> clearPrevious,
                             Set<String> touched, List<ServiceOutcome> outcomes) {
        Rollback.Result restored = Recovery.restore(target.journal(), target.rollback(), record, record.services(),
                clearPrevious, touched, why, why);
        return DeploymentResult.rolledBack(record.releaseId(), why, startedAt, rollbackStartedAt, target.now(),
                outcomes, restored);
    }

    /** The version PM2 reports for each of the release's services that runs, from one look. */
    private Map<String, String> versions() {
        Map<String, String> versions = new TreeMap<>();
        target.pm2().processes().stream().filter(p -> record.services().contains(p.name()) && p.version() != null)
                .forEach(p -> versions.put(p.name(), p.version()));
        return versions;
    }
}
