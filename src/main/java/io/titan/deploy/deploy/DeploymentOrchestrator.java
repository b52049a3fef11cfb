package io.titan.deploy.deploy;

import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.ChangePlanner;
import io.titan.deploy.change.Fingerprint;
import io.titan.deploy.change.Fingerprinter;
import io.titan.deploy.change.ServiceChange;
import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.health.Durations;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ProcessWatch;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.PreviousApp;
import io.titan.deploy.release.ReleaseRecord.Status;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.release.StoredApp;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Deploys a topology's services under PM2 in dependency order (the seed's DeploymentOrchestrator).
 * Each service starts as soon as all its dependencies are healthy, proves itself healthy within its
 * startup timeout, and then soaks: PM2 must show no restart for a short while, which runs beside
 * its dependents. Any failure stops the rollout and, unless disabled, restores the previous release
 * from the release record written before PM2 was touched.
 */
public final class DeploymentOrchestrator {

    /** How often a soaking service looks whether the deployment was asked to stop. */
    private static final Duration STOP_CHECK = Duration.ofMillis(100);

    private final Topology topology;
    private final ProcessControl pm2;
    private final Path stateDir;
    private final ReleaseStore releases;
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
        this.topology = topology;
        this.pm2 = pm2;
        this.stateDir = stateDir;
        this.releases = new ReleaseStore(stateDir);
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
        List<String> targets = targets(options.only());
        Map<String, Pm2App> apps = new LinkedHashMap<>();
        for (String name : targets) {
            apps.put(name, Apps.toPm2App(topology.service(name), environment));
        }
        try (DeployLock lock = DeployLock.acquire(stateDir, "deploy " + topology.source(), options.waitLock(), log)) {
            recoverUnfinished();
            pm2.initialize();
            events.emit(new DeploymentEvent.Pm2Started(clock.instant(), pm2.home()));
            requireHealthyDependencies(targets);
            return rollOut(targets, apps, options, verify);
        }
    }

    private List<String> targets(Set<String> only) {
        for (String name : only) {
            if (!topology.services().containsKey(name)) {
                throw new ConfigException("--only: " + name + " is not a service of " + topology.source()
                        + " (services: " + String.join(", ", topology.services().keySet()) + ")");
            }
        }
        return topology.graph().plan().order().stream().filter(s -> only.isEmpty() || only.contains(s)).toList();
    }

    private void requireHealthyDependencies(List<String> targets) {
        Map<String, Pm2Process> running = new HashMap<>();
        boolean listed = false;
        for (String name : targets) {
            for (String dependency : topology.service(name).dependsOn()) {
                if (targets.contains(dependency)) {
                    continue;
                }
                if (!listed) {
                    pm2.processes().forEach(p -> running.put(p.name(), p));
                    listed = true;
                }
                Pm2Process process = running.get(dependency);
                if (process == null || !process.isOnline()) {
                    throw new ConfigException("--only: " + name + " depends on " + dependency + ", which is not online ("
                            + (process == null ? "not in PM2" : "PM2 status " + process.status().pm2Name())
                            + "); deploy it too or start it first. Nothing was changed.");
                }
                ServiceSpec spec = topology.service(dependency);
                Optional<HealthProbe> probe = ServiceHealth.probe(spec);
                if (probe.isPresent()) {
                    ProbeResult result = probe.get().probe(spec.healthTimeout());
                    if (!result.healthy()) {
                        throw new ConfigException("--only: " + name + " depends on " + dependency + ", which is not healthy ("
                                + probe.get().target() + " " + result.observed() + "). Nothing was changed.");
                    }
                }
            }
        }
    }

    /** A previous deployment died (SIGKILL, power loss) half way: put its previous release back first. */
    private void recoverUnfinished() {
        Optional<ReleaseRecord> found = Recovery.unfinished(releases);
        if (found.isEmpty()) {
            return;
        }
        ReleaseRecord unfinished = found.get();
        log.accept("release " + unfinished.id() + " (process " + unfinished.pid()
                + ") did not finish; restoring the release before it first");
        Rollback.Result result = Recovery.restore(releases, rollback(), clock, unfinished, unfinished.services(),
                Map.of(), Set.of(), "unfinished release " + unfinished.id() + " found",
                "process " + unfinished.pid() + " did not finish the deployment");
        if (!result.success()) {
            throw new TitanException("could not restore the release before unfinished release " + unfinished.id()
                    + ": " + result.message() + "; fix the target by hand", ExitCodes.ROLLBACK_FAILED);
        }
    }

    private Rollback rollback() {
        return new Rollback(pm2, events, clock, environment, topology);
    }

    private DeploymentResult rollOut(List<String> targets, Map<String, Pm2App> apps, DeployOptions options,
                                     ReleaseVerifier verify) {
        Instant startedAt = clock.instant();
        String releaseId = releases.nextId(startedAt);
        List<ReleaseRecord> history = releases.list();
        Map<String, Pm2AppDefinition> running = pm2.describeAll();
        Fingerprinter fingerprinter = Fingerprinter.forTarget(stateDir);
        ChangePlan changes = new ChangePlanner(topology, fingerprinter, ServiceHealth::probe)
                .plan(targets, apps, running, pm2.processes(), history, options.force(), options.removeOrphans());
        List<String> orphans = changes.orphans().stream()
                .filter(o -> o.action() == ServiceChange.Action.REMOVE).map(ServiceChange::name).toList();
        changes.orphans().stream().filter(o -> o.action() == ServiceChange.Action.ORPHAN)
                .forEach(o -> log.accept("orphan " + o.name() + ": " + o.reasons().get(0)));
        List<String> recorded = new ArrayList<>(targets);
        recorded.addAll(orphans);

        Map<String, PreviousApp> previous = new TreeMap<>();
        Map<String, Pm2App> previousClear = new HashMap<>();
        Map<String, StoredApp> deployed = new TreeMap<>();
        Map<String, Map<String, String>> knownSecrets = knownSecretTemplates(history);
        for (String name : recorded) {
            Map<String, String> secrets = new TreeMap<>(knownSecrets.getOrDefault(name, Map.of()));
            ServiceSpec spec = topology.services().get(name);
            if (spec != null) {
                secrets.putAll(Apps.secretTemplates(spec));
            }
            Pm2AppDefinition current = running.get(name);
            if (current == null) {
                previous.put(name, PreviousApp.absent());
            } else {
                Map<String, String> fingerprint = ChangePlanner.recordedFingerprint(name, current.app(), history)
                        .map(Fingerprint::parts).orElse(null);
                previous.put(name, new PreviousApp(true, current.running(),
                        StoredApp.of(current.app(), secrets, fingerprint)));
                previousClear.put(name, current.app());
            }
            if (spec != null) {
                deployed.put(name, StoredApp.of(apps.get(name), Apps.secretTemplates(spec),
                        changes.of(name).orElseThrow().fingerprint().parts()));
            }
        }
        ReleaseRecord record = new ReleaseRecord(releaseId, startedAt.toString(), null, Status.IN_PROGRESS,
                ProcessHandle.current().pid(), topology.source(), recorded, previous, deployed, Map.of(), null);
        releases.save(record);
        events.emit(new DeploymentEvent.DeploymentStarted(startedAt, releaseId, targets));

        Rollout rollout;
        try (ProcessWatch watch = pm2.watch()) {
            rollout = new Rollout(releaseId, targets, apps, previous, watch, changes);
            if (options.strategy() == DeployOptions.Strategy.SEQUENTIAL) {
                rollout.runSequential();
            } else {
                rollout.runParallel();
            }
            rollout.recordRestarts();
        }
        if (rollout.failure == null) {
            rollout.removeOrphans(orphans);
        }
        if (rollout.failure == null) {
            Instant done = clock.instant();
            Map<String, String> versions = versions(targets);
            events.emit(new DeploymentEvent.DeploymentCompleted(done, releaseId, Duration.between(startedAt, done)));
            DeploymentResult accepted = result(true, releaseId, false, false, null, startedAt, null, null,
                    rollout.outcomes());
            // The record says unfinished until the release is verified: a deployer killed while
            // validating leaves a release that the next deploy or recover undoes.
            Optional<String> problem = verify.verify(accepted)
                    .or(() -> Optional.ofNullable(stopReason).map(r -> "stopped before it was accepted: " + r));
            if (problem.isEmpty()) {
                releases.save(record.withStatus(Status.DEPLOYED, clock.instant().toString(), null)
                        .withVersions(versions));
                return accepted;
            }
            rollout.failure = problem.get();
        }
        String error = rollout.failure;
        events.emit(new DeploymentEvent.DeploymentFailed(clock.instant(), releaseId, error));
        if (!options.rollback()) {
            releases.save(record.withStatus(Status.FAILED, clock.instant().toString(), error));
            return result(false, releaseId, false, false, error, startedAt, null, null, rollout.outcomes());
        }
        if (restoreElsewhere) {
            log.accept("release " + releaseId + " is left unfinished for the restorer: " + error);
            return result(false, releaseId, false, false, error + "; the previous release is being restored by"
                    + " `titan-deploy recover`, which runs outside this process", startedAt, null, null,
                    rollout.outcomes());
        }
        Instant rollbackStart = clock.instant();
        Set<String> touched = Set.copyOf(rollout.touched);
        Rollback.Result restored = Recovery.restore(releases, rollback(), clock, record, recorded, previousClear,
                touched, error, error);
        Instant rollbackEnd = clock.instant();
        List<ServiceOutcome> outcomes = new ArrayList<>();
        for (ServiceOutcome o : rollout.outcomes()) {
            boolean restoredIt = restored.actions().containsKey(o.name())
                    && !"unchanged".equals(restored.actions().get(o.name()));
            if (!restoredIt || o.status().equals("failed")) {
                outcomes.add(o);
            } else {
                // A skipped service keeps saying why it was skipped; the others say what the rollback did.
                outcomes.add(o.withStatus("rolled-back", o.status().equals("skipped") ? o.message()
                        : "rolled back: " + restored.actions().get(o.name())));
            }
        }
        String message = restored.success() ? error : error + "; rollback failed: " + restored.message();
        return result(false, releaseId, restored.success(), !restored.success(), message, startedAt,
                rollbackStart, rollbackEnd, outcomes);
    }

    /** Checks a deployed release before it is accepted. */
    @FunctionalInterface
    public interface ReleaseVerifier {
        /** A reason to roll the release back, or empty to keep it. */
        Optional<String> verify(DeploymentResult deployed);
    }

    private DeploymentResult result(boolean success, String releaseId, boolean rolledBack, boolean rollbackFailed,
                                    String error, Instant startedAt, Instant rbStart, Instant rbEnd,
                                    List<ServiceOutcome> outcomes) {
        return new DeploymentResult(success, releaseId, rolledBack, rollbackFailed, error, startedAt, clock.instant(),
                rbStart, rbEnd, outcomes);
    }

    /** Secret templates of what runs now, from the last deployed release: where old secrets came from. */
    private static Map<String, Map<String, String>> knownSecretTemplates(List<ReleaseRecord> history) {
        Map<String, Map<String, String>> known = new HashMap<>();
        history.stream().filter(r -> r.status() == Status.DEPLOYED).findFirst()
                .ifPresent(r -> r.deployed().forEach((name, app) -> known.put(name, app.secretEnv())));
        return known;
    }

    private Map<String, String> versions(List<String> targets) {
        Map<String, String> versions = new TreeMap<>();
        try {
            for (Pm2Process p : pm2.processes()) {
                if (targets.contains(p.name()) && p.version() != null) {
                    versions.put(p.name(), p.version());
                }
            }
        } catch (TitanException e) {
            log.accept("could not read service versions from PM2: " + e.getMessage());
        }
        return versions;
    }

    /** The state of one rollout: which services are where, and the first failure. */
    private final class Rollout {
        private final String releaseId;
        private final List<String> targets;
        private final Map<String, Pm2App> apps;
        private final Map<String, PreviousApp> previous;
        private final ProcessWatch watch;
        private final HealthGate gate;
        private final Map<String, Track> tracks = new LinkedHashMap<>();
        private final Set<String> touched = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile String failure;
        private int inFlight;

        Rollout(String releaseId, List<String> targets, Map<String, Pm2App> apps, Map<String, PreviousApp> previous,
                ProcessWatch watch, ChangePlan changes) {
            this.releaseId = releaseId;
            this.targets = targets;
            this.apps = apps;
            this.previous = previous;
            this.watch = watch;
            this.gate = new HealthGate(pm2, watch);
            for (String name : targets) {
                Track track = new Track(name);
                if (changes.of(name).orElseThrow().action() == ServiceChange.Action.UNCHANGED) {
                    track.status = "unchanged";
                    track.healthy = true;
                    track.message = "unchanged: running, healthy and the same as before";
                    events.emit(new DeploymentEvent.ServiceUnchanged(clock.instant(), releaseId, name));
                }
                tracks.put(name, track);
            }
        }

        /** Removes services of earlier releases that left the topology (--remove-orphans). */
        void removeOrphans(List<String> orphans) {
            for (String name : orphans) {
                touched.add(name);
                try {
                    pm2.delete(name);
                    events.emit(new DeploymentEvent.ServiceRemoved(clock.instant(), releaseId, name,
                            "not in the topology (--remove-orphans)"));
                } catch (TitanException e) {
                    fail(null, "could not remove orphan " + name + ": " + e.getMessage());
                    return;
                }
            }
        }

        void runSequential() {
            for (String name : targets) {
                if (failure != null || stopReason != null) {
                    fail(null, stopReason);
                    break;
                }
                if (tracks.get(name).status.equals("unchanged")) {
                    continue;
                }
                if (start(name)) {
                    soak(name);
                }
            }
            skipRemaining();
        }

        void runParallel() {
            ExecutorService pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "titan-deploy-service");
                t.setDaemon(true);
                return t;
            });
            try {
                synchronized (this) {
                    for (String name : targets) {
                        if (tracks.get(name).status.equals("pending") && dependenciesInRelease(name).stream()
                                .allMatch(d -> tracks.get(d).healthy)) {
                            launch(pool, name);
                        }
                    }
                    while (inFlight > 0) {
                        wait(200);
                        if (stopReason != null) {
                            fail(null, stopReason);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(null, "interrupted");
            } finally {
                pool.shutdownNow();
            }
            skipRemaining();
        }

        private List<String> dependenciesInRelease(String name) {
            return topology.service(name).dependsOn().stream().filter(tracks::containsKey).toList();
        }

        /** Called with the lock held. */
        private void launch(ExecutorService pool, String name) {
            Track track = tracks.get(name);
            track.status = "deploying";
            inFlight++;
            pool.execute(() -> {
                try {
                    if (start(name)) {
                        releaseDependents(pool, name);
                        soak(name);
                    }
                } finally {
                    synchronized (this) {
                        inFlight--;
                        notifyAll();
                    }
                }
            });
        }

        private synchronized void releaseDependents(ExecutorService pool, String name) {
            if (failure != null) {
                return;
            }
            for (String dependent : topology.graph().dependentsOf(name)) {
                Track t = tracks.get(dependent);
                if (t != null && t.status.equals("pending") && dependenciesInRelease(dependent).stream()
                        .allMatch(d -> tracks.get(d).healthy)) {
                    launch(pool, dependent);
                }
            }
        }

        /** Starts one service and waits for its health; true when healthy. */
        private boolean start(String name) {
            ServiceSpec spec = topology.service(name);
            Track track = tracks.get(name);
            track.status = "deploying";
            track.startedAt = clock.instant();
            events.emit(new DeploymentEvent.ServiceDeploying(track.startedAt, releaseId, name,
                    topology.graph().levelOf(name)));
            try {
                touched.add(name);
                if (previous.get(name).existed()) {
                    pm2.delete(name);
                }
                requirePortFree(spec);
                watch.watch(name, pm2.start(apps.get(name)));
                Duration left = spec.startupTimeout().minus(Duration.between(track.startedAt, clock.instant()));
                gate.await(spec, left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left,
                        this::stopRequested);
                track.readyAt = clock.instant();
                track.healthy = true;
                events.emit(new DeploymentEvent.ServiceDeployed(track.readyAt, releaseId, name,
                        Duration.between(track.startedAt, track.readyAt), false));
                return true;
            } catch (TitanException e) {
                fail(name, e instanceof ServiceFailure ? e.getMessage() : name + ": " + e.getMessage());
                return false;
            } catch (RuntimeException e) {
                // Anything unexpected must still fail the release, or a dead worker would look healthy.
                fail(name, name + ": unexpected error: " + e);
                return false;
            }
        }

        /** PM2 must report no exit for the soak time after the service became healthy. */
        private void soak(String name) {
            ServiceSpec spec = topology.service(name);
            Track track = tracks.get(name);
            Instant until = track.readyAt.plus(spec.soak());
            try {
                while (true) {
                    Duration left = Duration.between(clock.instant(), until);
                    Optional<String> problem = watch.awaitProblem(name, left.isNegative() ? Duration.ZERO
                            : left.compareTo(STOP_CHECK) > 0 ? STOP_CHECK : left);
                    if (problem.isPresent()) {
                        fail(name, name + " " + problem.get() + " during the " + Durations.format(spec.soak())
                                + " soak after it became healthy");
                        return;
                    }
                    if (!clock.instant().isBefore(until) || stopRequested().isPresent()) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(name, name + ": interrupted during its soak");
                return;
            }
            if (!track.status.equals("failed") && stopRequested().isEmpty()) {
                track.status = "deployed";
            }
        }

        private void requirePortFree(ServiceSpec spec) {
            if (spec.port() == null || spec.health() == null) {
                return;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(spec.health().host(), spec.port()));
            } catch (IOException e) {
                throw new ServiceFailure(spec.name() + " cannot start: port " + spec.port() + " on " + spec.health().host()
                        + " is already in use by another process");
            }
        }

        private Optional<String> stopRequested() {
            if (failure != null) {
                return Optional.of("stopped because " + failure);
            }
            return Optional.ofNullable(stopReason).map(r -> "stopped: " + r);
        }

        private synchronized void fail(String name, String reason) {
            if (name != null) {
                Track track = tracks.get(name);
                if (!track.status.equals("failed")) {
                    track.status = "failed";
                    track.message = reason;
                    track.failedAt = clock.instant();
                    events.emit(new DeploymentEvent.ServiceFailed(track.failedAt, releaseId, name, reason));
                }
            }
            if (failure == null && reason != null) {
                failure = reason;
            }
            notifyAll();
        }

        private synchronized void skipRemaining() {
            for (Track track : tracks.values()) {
                if (track.status.equals("pending")) {
                    track.status = "skipped";
                    String cause = topology.graph().transitiveDependenciesOf(track.name).stream()
                            .filter(d -> tracks.containsKey(d) && tracks.get(d).status.equals("failed"))
                            .findFirst()
                            .map(d -> "not started: dependency " + d + " failed")
                            .orElse("not started: the deployment stopped (" + failure + ")");
                    track.message = cause;
                    events.emit(new DeploymentEvent.ServiceSkipped(clock.instant(), releaseId, track.name, cause));
                } else if (track.status.equals("deploying") && track.healthy) {
                    track.status = "deployed";
                } else if (track.status.equals("deploying")) {
                    track.status = "failed";
                    track.message = "stopped before it was healthy: " + failure;
                }
            }
        }

        void recordRestarts() {
            try {
                for (Pm2Process p : pm2.processes()) {
                    Track t = tracks.get(p.name());
                    if (t != null && touched.contains(t.name)) {
                        t.restarts = p.restarts();
                    }
                }
            } catch (TitanException e) {
                // The failure that lost the daemon is reported already; restart counts are detail.
            }
        }

        List<ServiceOutcome> outcomes() {
            List<ServiceOutcome> list = new ArrayList<>();
            for (Track t : tracks.values()) {
                Instant end = t.readyAt != null ? t.readyAt : t.failedAt;
                Duration duration = t.startedAt == null || end == null ? Duration.ZERO : Duration.between(t.startedAt, end);
                list.add(new ServiceOutcome(t.name, t.status, topology.graph().levelOf(t.name),
                        topology.service(t.name).dependsOn(), t.startedAt, t.readyAt, duration, t.restarts, t.message));
            }
            return list;
        }
    }

    /** Mutable per-service progress, guarded by the rollout's lock for status changes. */
    private static final class Track {
        final String name;
        volatile String status = "pending";
        volatile Instant startedAt;
        volatile Instant readyAt;
        volatile Instant failedAt;
        volatile boolean healthy;
        volatile int restarts;
        volatile String message;

        Track(String name) {
            this.name = name;
        }
    }
}
