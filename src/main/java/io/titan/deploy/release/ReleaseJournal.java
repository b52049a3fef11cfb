package io.titan.deploy.release;

import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.release.ReleaseRecord.PreviousApp;
import io.titan.deploy.release.ReleaseRecord.Status;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A target's release records, and every change of them: a release is begun (written before PM2 is
 * touched, so that a crash at any point leaves enough on disk to put the previous release back),
 * then deployed, failed, or restored. Nothing else writes records.
 */
public final class ReleaseJournal {

    private final ReleaseStore store;
    private final Clock clock;

    public ReleaseJournal(Path stateDir, Clock clock) {
        this.store = new ReleaseStore(stateDir);
        this.clock = clock;
    }

    /** Every record, newest first. */
    public List<ReleaseRecord> history() {
        return store.list();
    }

    /** The newest record, if any. */
    public Optional<ReleaseRecord> latest() {
        return store.latest();
    }

    /**
     * The newest release when it did not finish: its deployer died or was interrupted half way,
     * so PM2 may run a mix of two releases until the one before it is restored.
     */
    public Optional<ReleaseRecord> unfinished() {
        return store.latest().filter(record -> record.status() == Status.IN_PROGRESS);
    }

    /**
     * Begins a release: records every service it may touch as it runs now (its definition, secrets
     * as their {@code ${VAR}} templates only, and whether it runs) and as the release deploys it.
     *
     * @param source          the topology it comes from, for people reading the record
     * @param release         the id {@code release begin --release} was given, or null for a deploy
     *                        (whose record's own id is the release's)
     * @param host            the host whose part this record is
     * @param services        every service the release may touch, in plan order (targets, then orphans it removes)
     * @param running         PM2's definitions now, by name (secrets in clear; they are not stored)
     * @param wanted          the definitions the release deploys, by name, each with its fingerprint
     * @param secretTemplates per service, its secret env keys and the templates they come from now
     * @param actions         what the plan does with each service, for a release in steps (empty for a deploy)
     */
    public ReleaseRecord begin(String source, String release, String host, List<String> services,
                               Map<String, Pm2AppDefinition> running, Map<String, Pm2App> wanted,
                               Map<String, Map<String, String>> secretTemplates, Map<String, String> actions) {
        Instant now = clock.instant();
        Map<String, Map<String, String>> known = lastDeployedSecretTemplates();
        Map<String, PreviousApp> previous = new TreeMap<>();
        Map<String, StoredApp> deployed = new TreeMap<>();
        for (String name : services) {
            Map<String, String> secrets = new TreeMap<>(known.getOrDefault(name, Map.of()));
            secrets.putAll(secretTemplates.getOrDefault(name, Map.of()));
            Pm2AppDefinition current = running.get(name);
            previous.put(name, current == null ? PreviousApp.absent()
                    : new PreviousApp(true, current.running(), StoredApp.of(current.app(), secrets)));
            if (wanted.containsKey(name)) {
                deployed.put(name, StoredApp.of(wanted.get(name), secretTemplates.getOrDefault(name, Map.of())));
            }
        }
        ReleaseRecord record = new ReleaseRecord(store.nextId(now), now.toString(), null, Status.IN_PROGRESS,
                ProcessHandle.current().pid(), source, services, previous, deployed, Map.of(), null, release, host,
                actions, Map.of());
        store.save(record);
        return record;
    }

    /** The release is what runs now, verified; {@code versions} as PM2 reports them. */
    public ReleaseRecord deployed(ReleaseRecord record, Map<String, String> versions) {
        return save(record.withStatus(Status.DEPLOYED, clock.instant().toString(), null).withVersions(versions));
    }

    /** The release failed and was left as it is ({@code --no-rollback}). */
    public ReleaseRecord failed(ReleaseRecord record, String error) {
        return save(record.withStatus(Status.FAILED, clock.instant().toString(), error));
    }

    /** The release before {@code record} was restored, or restoring it failed. */
    public ReleaseRecord restored(ReleaseRecord record, boolean success, String why) {
        return save(record.withStatus(success ? Status.ROLLED_BACK : Status.ROLLBACK_FAILED,
                clock.instant().toString(), why));
    }

    /**
     * Adds what a {@code release service} call did to the record {@code id} as it is on disk now
     * (other calls of the release may have added theirs). The caller holds the target's lock.
     */
    public Optional<ReleaseRecord> step(String id, String service, ServiceStep step) {
        return find(id).map(record -> save(record.withStep(service, step)));
    }

    /** The release {@code id}, if its record is kept. */
    public Optional<ReleaseRecord> find(String id) {
        return store.list().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private ReleaseRecord save(ReleaseRecord record) {
        store.save(record);
        return record;
    }

    /** Where the secrets of what runs came from: the templates of the last deployed release. */
    private Map<String, Map<String, String>> lastDeployedSecretTemplates() {
        Map<String, Map<String, String>> known = new HashMap<>();
        store.list().stream().filter(r -> r.status() == Status.DEPLOYED).findFirst()
                .ifPresent(r -> r.deployed().forEach((name, app) -> known.put(name, app.secretEnv())));
        return known;
    }
}
