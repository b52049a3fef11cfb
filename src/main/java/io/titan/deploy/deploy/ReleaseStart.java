package io.titan.deploy.deploy;

import io.titan.deploy.change.ChangeDetection;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.release.ReleaseRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The start of one host's part of a release, written once for both drivers (the one-process deploy
 * and {@code release begin}), as {@link ReleaseEnd} is its end: with the host held and observed, the
 * release's record (its services, the orphans it removes, what ran before, what is wanted, and each
 * service's planned action), then {@code deployment:started}.
 *
 * @param record  the release's record on this host
 * @param orphans the apps the plan removes ({@code --remove-orphans}), in the plan's order
 */
record ReleaseStart(ReleaseRecord record, List<String> orphans) {

    ReleaseStart {
        orphans = List.copyOf(orphans);
    }

    /**
     * Records the release and says it started.
     *
     * @param release  the id given to the release ({@code release begin --release}), or null for a
     *                 deploy, whose record's own id names it
     * @param targets  the services of this host the release deploys
     * @param observed the host as {@link HostTarget#observe} saw it, and the plan
     */
    static ReleaseStart of(HostTarget target, String release, List<String> targets, HostTarget.Observed observed) {
        ChangeDetection changes = observed.changes();
        Map<String, String> actions = new TreeMap<>();
        changes.plan().services().forEach(c -> actions.put(c.name(), c.action().word()));
        List<String> orphans = new ArrayList<>();
        for (ServiceChange orphan : changes.plan().orphans()) {
            if (orphan.action() == ServiceChange.Action.REMOVE) {
                orphans.add(orphan.name());
                actions.put(orphan.name(), orphan.action().word());
            } else {
                target.log().accept("orphan " + orphan.name() + ": " + orphan.reasons().get(0));
            }
        }
        List<String> recorded = new ArrayList<>(targets);
        recorded.addAll(orphans);
        // The record names its host: history tells hosts apart by it.
        ReleaseRecord record = target.journal().begin(target.topology().source(), release, target.host(), recorded,
                observed.before().definitions(), changes.wanted(), Apps.secretTemplates(target.topology()), actions);
        target.events().emit(new DeploymentEvent.DeploymentStarted(Instant.parse(record.startedAt()),
                record.releaseId(), targets, changes.plan().unchanged()));
        return new ReleaseStart(record, orphans);
    }
}
