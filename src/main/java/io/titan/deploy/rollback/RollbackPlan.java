package io.titan.deploy.rollback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.ChangePlanner;
import io.titan.deploy.change.Fingerprint;
import io.titan.deploy.change.ObservedState;
import io.titan.deploy.change.PriorApp;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.PreviousApp;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What restoring the release before a record does, per service and why: the record is the desired
 * state, and the deploy's planner ({@link ChangePlanner#restore}) compares it with what PM2 runs by
 * the same fingerprints. {@link Rollback} acts on this plan; {@code rollback --dry-run} and
 * {@code release abort --dry-run} print it.
 *
 * @param command what restores ({@code rollback}, {@code release abort}), for the text
 * @param release the release undone
 * @param status  its record's status
 * @param host    the host whose part it is
 * @param plan    per service of the record, in plan order: start, restart, stop, remove, unchanged
 */
public record RollbackPlan(String command, String release, String status, String host, ChangePlan plan) {

    /** How a rollback goes through its plan, for people reading it. */
    public static final String ORDER = "what the release added is removed first, dependents first; the rest is put back "
            + "in dependency order, independent services at once, each stopped only once what it depends on is back";

    /**
     * Plans the restore of the release before {@code record} for {@code services} against {@code now}.
     *
     * @param touched  services known to have been changed: put back whatever PM2 shows
     * @param topology the services' specs (for {@code restartWith}), or null
     */
    public static ChangePlan plan(ReleaseRecord record, List<String> services, Pm2Snapshot now, Set<String> touched,
                                  Topology topology) {
        Map<String, PriorApp> prior = new TreeMap<>();
        record.previous().forEach((name, before) -> prior(before).ifPresent(app -> prior.put(name, app)));
        return new ChangePlanner(topology).restore(record.releaseId(), services, prior,
                new ObservedState(now, Map.of()), touched);
    }

    /** The plan of {@code command} restoring the release before {@code record} on {@code host}, as PM2 runs now. */
    public static RollbackPlan of(String command, ReleaseRecord record, String host, Pm2Snapshot now, Topology topology) {
        return new RollbackPlan(command, record.releaseId(), record.status().name().toLowerCase(Locale.ROOT)
                .replace('_', '-'), host, plan(record, record.services(), now, Set.of(), topology));
    }

    private static Optional<PriorApp> prior(PreviousApp before) {
        if (!before.existed()) {
            return Optional.empty();
        }
        Map<String, String> parts = before.app().fingerprint();
        return Optional.of(new PriorApp(before.running(), parts == null ? null : new Fingerprint(parts),
                before.app()::sameDefinition));
    }

    /** The services it puts back or removes, in plan order. */
    public List<String> changes() {
        return plan.services().stream().filter(c -> c.action() != ServiceChange.Action.UNCHANGED)
                .map(ServiceChange::name).toList();
    }

    /** A heading, then one line per service as {@code plan --diff} prints them, then the order. */
    public String text() {
        return command + " on host " + host + ": back to the release before " + release + " (" + status + ")\n"
                + plan.text() + "  order: " + ORDER + "\n";
    }

    /**
     * As {@code plan --diff --json}, with what it undoes:
     * {@code {command, release, status, host, services:[{name, action, reasons}], orphans:[]}}.
     */
    public ObjectNode json() {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("command", command);
        node.put("release", release);
        node.put("status", status);
        node.put("host", host);
        node.setAll(plan.json());
        return node;
    }
}
