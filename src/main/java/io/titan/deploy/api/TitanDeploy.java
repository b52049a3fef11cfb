package io.titan.deploy.api;

import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.HostSpec;
import io.titan.deploy.config.Pm2Settings;
import io.titan.deploy.config.Topology;
import io.titan.deploy.config.TopologyLoader;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeploymentOrchestrator;
import io.titan.deploy.deploy.HostActions;
import io.titan.deploy.deploy.TitanDeploymentPipeline;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.HistoryReport;
import io.titan.deploy.rollback.Rollback;
import io.titan.deploy.rollback.RollbackPlan;
import io.titan.deploy.validate.Pm2StatusAdapter;
import io.titan.deploy.validate.DeploymentValidator;
import io.titan.deploy.validate.ValidationEvents;
import io.titan.deploy.validate.ValidationSpecs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The engine's front door for Java callers, as plain as the seed's: a topology file in, the seed's
 * classes out, everything else defaulted as the CLI defaults it.
 *
 * <pre>{@code
 * TitanDeploy titan = TitanDeploy.forTopology(Path.of("deploy/titan.yaml"))
 *         .on("service:deployed", event -> System.out.println(event.service() + " is up"))
 *         .build();
 * DeploymentResult release = titan.orchestrator().deployAll();
 * ChangePlan next = titan.preview(DeployOptions.defaults());   // what plan --diff prints
 * }</pre>
 *
 * <p>It is the one place the engine is put together: the CLI's commands build one per host and
 * call it ({@link #preview}, {@link #recover}, {@link #rollback}, {@link #stop}, {@link #history}),
 * so a Java caller gets what they get.
 *
 * <p>The target is the host the topology names (or its only one): its {@code pm2.home} (else env
 * {@code PM2_HOME}, else {@code ~/.pm2}), pm2 binary and state dir. Secrets ({@code ${VAR}}) are resolved from this
 * process's environment unless {@link Builder#environment} says otherwise.
 */
public final class TitanDeploy {

    /**
     * A start, stop or delete call to the daemon answers in well under a second (44 ms for a start,
     * measured); one that takes longer has lost its daemon, and a deployment (with its rollback)
     * should not wait a minute to find out.
     */
    private static final Duration PM2_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Topology topology;
    private final HostSpec host;
    private final Pm2Manager pm2;
    private final Path stateDir;
    private final EventBus events;
    private final Map<String, String> environment;
    private final Clock clock;
    private final Consumer<String> log;
    private DeploymentOrchestrator orchestrator;

    private TitanDeploy(Builder builder) {
        this.topology = builder.topology;
        this.host = topology.hostOrOnly(builder.host);
        Pm2Settings settings = host.pm2();
        Path home = pm2Home(host, builder.pm2Home);
        Path binary = builder.pm2Binary != null ? builder.pm2Binary
                : Pm2Binary.resolve(settings.bin() == null ? null : settings.bin().toString());
        this.pm2 = new Pm2Manager(binary, home, settings.logRotation(), PM2_CALL_TIMEOUT);
        this.stateDir = stateDir(host, home);
        this.events = builder.events;
        this.environment = Map.copyOf(builder.environment);
        this.clock = builder.clock;
        this.log = builder.log;
    }

    /** PM2_HOME of {@code host}: {@code given}, else the topology's, else env {@code PM2_HOME}, else ~/.pm2. */
    private static Path pm2Home(HostSpec host, Path given) {
        Path home = host.pm2().home();
        return given != null ? given : Pm2Manager.resolvePm2Home(home == null ? null : home.toString());
    }

    /** The state dir of {@code host}: the topology's, else {@code titan/} under its PM2_HOME. */
    private static Path stateDir(HostSpec host, Path pm2Home) {
        return host.stateDir() != null ? host.stateDir() : pm2Home.resolve("titan");
    }

    /** Starts building for the topology in {@code file}; relative paths in it resolve against its folder. */
    public static Builder forTopology(Path file) {
        return new Builder(new TopologyLoader().load(file));
    }

    /** Starts building for the bundled seven-service Titan topology, one folder per service under {@code root}. */
    public static Builder forBundledTopology(Path root) {
        return new Builder(new TopologyLoader().loadDefault(root));
    }

    /** Starts building for a topology loaded already. */
    public static Builder forTopology(Topology topology) {
        return new Builder(Objects.requireNonNull(topology, "topology"));
    }

    /** The topology, validated. */
    public Topology topology() {
        return topology;
    }

    /** The host this engine acts on: its PM2, its state dir, its services. */
    public HostSpec host() {
        return host;
    }

    /** The seed's Pm2Manager for the target: start, stop, process list, log rotation. */
    public Pm2Manager pm2Manager() {
        return pm2;
    }

    /** Where the target's release records and lock live. */
    public Path stateDir() {
        return stateDir;
    }

    /** The events every part of this engine emits; listen with {@code on(type, ...)} or {@code onAny}. */
    public EventBus events() {
        return events;
    }

    /** The seed's DeploymentOrchestrator for the target (one per engine, so that an abort reaches it). */
    public synchronized DeploymentOrchestrator orchestrator() {
        if (orchestrator == null) {
            orchestrator = new DeploymentOrchestrator(topology, host.name(), pm2, stateDir, events,
                    environment, clock, log);
        }
        return orchestrator;
    }

    /**
     * The seed's DeploymentValidator for the topology's {@code validation:} section and services;
     * close it when done (it holds HTTP and Redis clients).
     */
    public DeploymentValidator validator() {
        return new DeploymentValidator(ValidationSpecs.of(topology, host.name()), new Pm2StatusAdapter(pm2),
                new ValidationEvents(events, clock), environment);
    }

    /** The seed's TitanDeploymentPipeline: deploy, validate, roll back when validation fails. */
    public TitanDeploymentPipeline pipeline() {
        return new TitanDeploymentPipeline(topology, host.name(), orchestrator(), new Pm2StatusAdapter(pm2),
                new ValidationEvents(events, clock), environment);
    }

    /**
     * What {@code orchestrator().deploy(options)} would do to each service and why ({@code plan
     * --diff}): the deploy's own change detection and fingerprints, without the host's lock, without
     * changing anything and without starting a PM2 daemon. Give the deploy's {@code outputs}.
     */
    public ChangePlan preview(DeployOptions options) {
        return orchestrator().preview(options);
    }

    /**
     * After a killed or interrupted deployment: restores the release before the unfinished one;
     * does nothing when the newest release finished ({@code titan-deploy recover}).
     *
     * @param who      how the host's lock names this caller while it holds it
     * @param waitLock how long to wait for a deployment or restore under way (zero: exit 4 at once)
     * @param takeOver end the release of a dead pipeline that holds the host, instead of exit 4
     */
    public HostActions.Recovered recover(String who, Duration waitLock, boolean takeOver) {
        return actions().recover(who, waitLock, takeOver);
    }

    /**
     * Restores the release before the current (or unfinished) one ({@code titan-deploy rollback}).
     *
     * @throws io.titan.deploy.TitanException exit 2 when nothing was deployed, exit 4 when the host is held
     */
    public Rollback.Result rollback(Duration waitLock, boolean takeOver) {
        return actions().rollback(waitLock, takeOver);
    }

    /**
     * What {@link #rollback} would restore now, and why, changing nothing ({@code titan-deploy rollback
     * --dry-run}).
     *
     * @throws io.titan.deploy.TitanException exit 2 when nothing was deployed
     */
    public RollbackPlan rollbackPlan() {
        return actions().rollbackPlan();
    }

    /**
     * What {@code release abort} of {@code release} would restore on this host now, and why, changing
     * nothing ({@code titan-deploy release abort --dry-run}).
     *
     * @throws io.titan.deploy.TitanException exit 2 when the release does not hold the host, exit 4 when
     *                                        another does
     */
    public RollbackPlan abortPlan(String release) {
        return actions().abortPlan(release);
    }

    /**
     * Stops and deletes this host's apps of the topology, dependents first ({@code titan-deploy stop}).
     *
     * @param killDaemon also stop the PM2 daemon
     * @return each service in the order stopped, with whether it ran (false: it was absent)
     */
    public Map<String, Boolean> stop(boolean takeOver, boolean killDaemon) {
        return actions().stop(takeOver, killDaemon);
    }

    /** This host's releases, newest first, with each service's result ({@code titan-deploy history --host}). */
    public HistoryReport history() {
        return history(List.of(host.name()));
    }

    /**
     * The releases of these hosts of the topology read together (each from its own state dir), a
     * release in steps once with the hosts it ran on ({@code titan-deploy history}).
     */
    public HistoryReport history(List<String> hosts) {
        return ReleaseHistory.read(topology, name -> name.equals(host.name()) ? stateDir
                : stateDir(topology.host(name), pm2Home(topology.host(name), null)), hosts, clock.instant());
    }

    /**
     * Keeps a deployment's report beside its release record, for {@link #history}.
     *
     * @return why it was not kept, or empty; a failure to keep it does not undo the deployment
     */
    public Optional<String> keepForHistory(DeployReport report) {
        return ReleaseHistory.keep(stateDir, host.name(), report);
    }

    private HostActions actions() {
        return new HostActions(topology, host.name(), pm2, stateDir, events, environment, clock, log);
    }

    /** What differs from the defaults; every method returns this builder. */
    public static final class Builder {
        private final Topology topology;
        private EventBus events = new EventBus();
        private String host;
        private Path pm2Home;
        private Path pm2Binary;
        private Map<String, String> environment = System.getenv();
        private Clock clock = Clock.systemUTC();
        private Consumer<String> log = line -> System.out.println("titan-deploy: " + line);

        private Builder(Topology topology) {
            this.topology = topology;
        }

        /** Listens to one event type, e.g. {@code service:deployed} (the seed's names). */
        public Builder on(String type, Consumer<DeploymentEvent> listener) {
            events.on(type, listener);
            return this;
        }

        /** Emits on {@code bus}, with the listeners it has, instead of a bus of its own (listeners added before are dropped). */
        public Builder events(EventBus bus) {
            events = Objects.requireNonNull(bus, "events");
            return this;
        }

        /** Listens to every event. */
        public Builder onAny(Consumer<DeploymentEvent> listener) {
            events.onAny(listener);
            return this;
        }

        /** The host to act on; may be left out when the topology has one (or no {@code hosts:}). */
        public Builder host(String value) {
            host = value;
            return this;
        }

        /** PM2_HOME of the target, over the topology's and the environment's. */
        public Builder pm2Home(Path value) {
            pm2Home = value;
            return this;
        }

        /** The pm2 executable (its daemon is what the engine talks to), over the topology's. */
        public Builder pm2Binary(Path value) {
            pm2Binary = value;
            return this;
        }

        /** Where {@code ${VAR}} secrets are resolved from; default this process's environment. */
        public Builder environment(Map<String, String> value) {
            environment = Objects.requireNonNull(value, "environment");
            return this;
        }

        /** The clock of events and records; tests pass a fixed one. */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Where progress lines that are not events go (a stale lock taken over...); default stdout. */
        public Builder log(Consumer<String> value) {
            log = Objects.requireNonNull(value, "log");
            return this;
        }

        /** The engine for the topology. */
        public TitanDeploy build() {
            return new TitanDeploy(this);
        }
    }
}
