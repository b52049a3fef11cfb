package io.titan.deploy.release;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one deployment changed, written before PM2 is touched so that a crash at any point leaves
 * enough on disk to put the previous release back.
 *
 * @param id         the record's id, sortable by time: its file name; {@link #releaseId()} is the
 *                   release's id people see
 * @param startedAt  ISO-8601
 * @param finishedAt ISO-8601, or null while in progress
 * @param status     where it got to
 * @param pid        the deploying process, to tell a crashed deployment from a running one
 * @param source     the topology it came from
 * @param services   services this release deploys, in plan order
 * @param previous   every such service's state before the release
 * @param deployed   the definitions this release deploys
 * @param versions   the version PM2 reports for each deployed service, once known
 * @param error      why it failed, or null
 * @param release    the pipeline's name for a release that spans several hosts and CLI calls
 *                   ({@code release begin --release ID}), or null for a one-process deploy
 * @param host       the host whose part of the release this record is
 * @param actions    what the plan does with each service ({@code start}, {@code restart},
 *                   {@code unchanged}, {@code remove}), for the calls that carry the release out
 * @param steps      what each {@code release service} call did, by service
 */
public record ReleaseRecord(
        String id,
        String startedAt,
        String finishedAt,
        Status status,
        long pid,
        String source,
        List<String> services,
        Map<String, PreviousApp> previous,
        Map<String, StoredApp> deployed,
        Map<String, String> versions,
        String error,
        String release,
        String host,
        Map<String, String> actions,
        Map<String, ServiceStep> steps) {

    public ReleaseRecord {
        services = List.copyOf(services);
        previous = new TreeMap<>(previous);
        deployed = new TreeMap<>(deployed);
        versions = new TreeMap<>(versions == null ? Map.of() : versions);
        actions = new TreeMap<>(actions == null ? Map.of() : actions);
        steps = new TreeMap<>(steps == null ? Map.of() : steps);
    }

    /** The life of a release. */
    public enum Status {
        /** PM2 may be half way between the previous release and this one. */
        IN_PROGRESS,
        /** Every service deployed; this is what runs. */
        DEPLOYED,
        /** Failed and left as it was ({@code --no-rollback}). */
        FAILED,
        /** Failed or rolled back by hand; the previous release runs again. */
        ROLLED_BACK,
        /** Rollback did not complete; a person must look. */
        ROLLBACK_FAILED
    }

    /**
     * A service's state before the release.
     *
     * @param existed whether PM2 had an app of that name
     * @param running whether PM2 kept it running
     * @param app     its definition, or null when it did not exist
     */
    public record PreviousApp(boolean existed, boolean running, StoredApp app) {
        public static PreviousApp absent() {
            return new PreviousApp(false, false, null);
        }
    }

    /**
     * The release's id as people see it, in history, reports, events and output: the id given to
     * {@code release begin --release ID}, the same on every host; for a {@code deploy}, which names
     * its own releases, the record's id (also for a record written before releases in steps were named).
     */
    public String releaseId() {
        return release != null ? release : id;
    }

    public ReleaseRecord withStatus(Status newStatus, String finished, String why) {
        return new ReleaseRecord(id, startedAt, finished, newStatus, pid, source, services, previous, deployed,
                versions, why, release, host, actions, steps);
    }

    public ReleaseRecord withVersions(Map<String, String> newVersions) {
        return new ReleaseRecord(id, startedAt, finishedAt, status, pid, source, services, previous, deployed,
                newVersions, error, release, host, actions, steps);
    }

    /** This record with what the {@code release service} call of {@code service} did. */
    public ReleaseRecord withStep(String service, ServiceStep step) {
        Map<String, ServiceStep> newSteps = new TreeMap<>(steps);
        newSteps.put(service, step);
        return new ReleaseRecord(id, startedAt, finishedAt, status, pid, source, services, previous, deployed,
                versions, error, release, host, actions, newSteps);
    }
}
