package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.config.LogRotation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Drives one PM2 daemon (one {@code PM2_HOME}) over its own sockets: requests on {@code rpc.sock},
 * process events on {@code pub.sock} (see {@link Pm2Daemon}). No call starts a Node process; the
 * pm2 CLI runs only to install pm2-logrotate where it is missing and to change its settings.
 *
 * <p>Apps get the minimal environment (PATH, HOME, locale) plus their own: PM2 would otherwise pass
 * the caller's whole environment to every app, and a credential the Jenkins agent holds for one
 * service would reach every service.
 */
public final class Pm2Manager implements ProcessControl {

    /** Default time a call that starts or stops processes may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Time {@code pm2 install} may take: it runs npm. */
    public static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);

    private static final String USER = System.getProperty("user.name", "");

    private final Path binary;
    private final Path pm2Home;
    private final LogRotation logRotation;
    private final Duration timeout;
    private final Pm2Cli cli;
    private final Pm2Daemon daemon;
    private final Map<String, String> baseEnv;

    /**
     * @param binary      the pm2 executable, usually from {@link Pm2Binary#resolve(String)}
     * @param pm2Home     the PM2_HOME of the target, usually from {@link #resolvePm2Home(String)};
     *                    created when missing
     * @param logRotation pm2-logrotate settings applied by {@link #initialize()}
     */
    public Pm2Manager(Path binary, Path pm2Home, LogRotation logRotation) {
        this(binary, pm2Home, logRotation, DEFAULT_TIMEOUT);
    }

    /**
     * @param binary      the pm2 executable
     * @param pm2Home     the PM2_HOME of the target; created when missing
     * @param logRotation pm2-logrotate settings applied by {@link #initialize()}
     * @param timeout     time a call that starts or stops processes may take
     * @throws io.titan.deploy.TitanException exit 2 when PM2_HOME is too long for its socket paths
     */
    public Pm2Manager(Path binary, Path pm2Home, LogRotation logRotation, Duration timeout) {
        this.binary = Objects.requireNonNull(binary, "binary").toAbsolutePath().normalize();
        this.pm2Home = Objects.requireNonNull(pm2Home, "pm2Home").toAbsolutePath().normalize();
        this.logRotation = Objects.requireNonNull(logRotation, "logRotation");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        this.daemon = Pm2Daemon.of(this.pm2Home, this.binary, System.getenv());
        try {
            Files.createDirectories(this.pm2Home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PM2_HOME " + this.pm2Home, e);
        }
        this.cli = new Pm2Cli(this.binary, this.pm2Home, System.getenv());
        this.baseEnv = Pm2Cli.minimalEnv(System.getenv());
    }

    /** PM2_HOME in this order: the configured value ({@code pm2.home}), env {@code PM2_HOME}, {@code ~/.pm2}. */
    public static Path resolvePm2Home(String configured) {
        return resolvePm2Home(configured, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The testable form of {@link #resolvePm2Home(String)}. */
    public static Path resolvePm2Home(String configured, Map<String, String> env, Path userHome) {
        String chosen = configured != null && !configured.isBlank() ? configured : env.get("PM2_HOME");
        Path home = chosen != null && !chosen.isBlank() ? Path.of(chosen) : userHome.resolve(".pm2");
        return home.toAbsolutePath().normalize();
    }

    /** The PM2_HOME this manager drives. */
    public Path pm2Home() {
        return pm2Home;
    }

    @Override
    public String home() {
        return pm2Home.toString();
    }

    /**
     * Connects to the daemon, starting it when none runs, and checks its version; when log
     * rotation is enabled, sets pm2-logrotate up as {@link LogRotationSetup} says. A target that is
     * already set up costs a socket call or two and no pm2 CLI at all.
     */
    @Override
    public void initialize() {
        daemon.running();
        if (logRotation.enabled()) {
            new LogRotationSetup(cli, pm2Home, timeout).apply(logRotation);
        }
    }

    /** Starts one app; see {@link #startAll(List)}. */
    @Override
    public List<Pm2Process> start(Pm2App app) {
        return startAll(List.of(app));
    }

    /**
     * Starts the apps with exactly these definitions, each with one {@code prepare} call to the
     * daemon, all of them at once.
     *
     * <p>An app that already exists is deleted first: PM2 would otherwise only restart it, taking
     * the new env, args and limits but keeping the OLD script path and cwd (as {@code pm2 start}
     * does on PM2 7.0.4), so a new release would silently run the old code. The delete resets
     * PM2's restart counters, which is what a new release wants anyway.
     *
     * <p>Script and cwd are checked first, all of them before anything changes: PM2 reports a
     * missing cwd as {@code online} with no pid. The definitions, secrets included, go to the
     * daemon over its socket only: no file, no process argument.
     *
     * @return the processes started (one per instance), with the {@code unique_id} PM2 gave them
     * @throws Pm2Exception when a script or cwd is missing or the daemon refuses an app
     */
    public List<Pm2Process> startAll(List<Pm2App> apps) {
        if (apps.isEmpty()) {
            return List.of();
        }
        Set<String> names = new HashSet<>();
        for (Pm2App app : apps) {
            if (!names.add(app.name())) {
                throw new Pm2Exception("PM2 app " + app.name() + " is listed twice");
            }
            Workers.requireRunnable(app);
        }
        return retryingOnce(() -> prepare(apps, names));
    }

    /**
     * The app object {@link #start} sends the daemon for {@code app} (its {@code prepare} call):
     * what {@code titan-deploy ecosystem} prints. It holds secrets in clear.
     */
    public ObjectNode appConfig(Pm2App app) {
        return AppConfig.of(app, pm2Home, baseEnv, node(), USER);
    }

    private List<Pm2Process> prepare(List<Pm2App> apps, Set<String> names) {
        DaemonRpc rpc = daemon.running();
        callEach(rpc, "deleteProcessId", ids(rpc, names), id -> id);
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
        for (Pm2App app : apps) {
            replies.add(rpc.send("prepare", appConfig(app)));
        }
        List<Pm2Process> started = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            JsonNode processes = rpc.await(replies.get(i), "prepare", timeout).path(0);
            if (!processes.isArray() || processes.isEmpty()) {
                throw new Pm2Exception("PM2 accepted " + apps.get(i).name() + " but started no process");
            }
            for (JsonNode process : processes) {
                started.add(Jlist.process(process));
            }
        }
        return List.copyOf(started);
    }

    @Override
    public Pm2Process startWorker(Pm2App app, int instance) {
        return new Workers(daemon, pm2Home, baseEnv, timeout, node(), USER).start(app, instance);
    }

    @Override
    public void stopWorker(int pmId) {
        new Workers(daemon, pm2Home, baseEnv, timeout, node(), USER).stop(pmId);
    }

    /** Stops an existing app; PM2 keeps its definition. */
    @Override
    public void stop(String name) {
        Pm2App.requireName(name);
        retryingOnce(() -> {
            Optional<DaemonRpc> rpc = daemon.ifRunning();
            List<Integer> ids = rpc.isEmpty() ? List.of() : ids(rpc.get(), Set.of(name));
            if (ids.isEmpty()) {
                throw new Pm2Exception("cannot stop " + name + ": PM2 (" + pm2Home + ") has no such app");
            }
            callEach(rpc.get(), "stopProcessId", ids, id -> id);
            return null;
        });
    }

    /** Stops and forgets the app; nothing happens when PM2 has none of that name. */
    @Override
    public void delete(String name) {
        deleteIfPresent(name);
    }

    /**
     * Deletes the app when PM2 has it.
     *
     * @return whether there was an app to delete
     */
    public boolean deleteIfPresent(String name) {
        Pm2App.requireName(name);
        return retryingOnce(() -> deleteIfRunning(name));
    }

    private boolean deleteIfRunning(String name) {
        Optional<DaemonRpc> rpc = daemon.ifRunning();
        if (rpc.isEmpty()) {
            return false;
        }
        List<Integer> ids = ids(rpc.get(), Set.of(name));
        callEach(rpc.get(), "deleteProcessId", ids, id -> id);
        return !ids.isEmpty();
    }

    /** The pm_ids of the apps called {@code names}, modules left out. */
    private List<Integer> ids(DaemonRpc rpc, Set<String> names) {
        List<Integer> ids = new ArrayList<>();
        for (JsonNode node : processList(rpc)) {
            if (names.contains(Jlist.name(node))) {
                ids.add(node.path("pm2_env").path("pm_id").asInt(node.path("pm_id").asInt()));
            }
        }
        return ids;
    }

    /** Calls {@code method} for every pm_id at once, then waits for every reply. */
    private void callEach(DaemonRpc rpc, String method, List<Integer> ids, java.util.function.Function<Integer, Object> arg) {
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
        for (int id : ids) {
            replies.add(rpc.send(method, arg.apply(id)));
        }
        replies.forEach(reply -> rpc.await(reply, method, timeout));
    }

    /**
     * Pings the daemon, starting it when it does not run.
     *
     * @return true when the daemon answered
     */
    public boolean ping() {
        try {
            return daemon.running().call("ping", Pm2Daemon.QUICK_CALL, Map.of()).path(0).path("msg").asText().equals("pong");
        } catch (Pm2Exception e) {
            return false;
        }
    }

    /** Whether a daemon answers on this PM2_HOME's socket; never starts one. */
    public boolean isDaemonRunning() {
        return daemon.isRunning();
    }

    /**
     * Stops all apps (modules too) and the daemon, as {@code pm2 kill} does. Does nothing when no
     * daemon runs.
     */
    public void kill() {
        daemon.kill();
    }

    /**
     * The apps PM2 runs, one entry per process, modules left out. Empty when no daemon runs (no
     * daemon is started for this).
     */
    public List<Pm2Process> getProcessList() {
        return snapshot().processes();
    }

    /**
     * The process list and every app's definition (see {@link Pm2AppDefinition} for how its env is
     * recovered, to restore it exactly later) from one process list of the daemon. Empty without a
     * daemon (none is started for this).
     */
    @Override
    public Pm2Snapshot snapshot() {
        return retryingOnce(this::look);
    }

    private Pm2Snapshot look() {
        return daemon.ifRunning().map(rpc -> Jlist.snapshot(processList(rpc))).orElse(Pm2Snapshot.empty());
    }

    /**
     * Starts watching the daemon's process events and apps' output (the daemon is started when it
     * does not run). Close the watch when done.
     */
    @Override
    public ProcessWatch watch() {
        return new ProcessWatch(daemon.bus(), pm2Home);
    }

    /**
     * Runs {@code operation} again, on a new connection, when the daemon's socket closed under it:
     * a daemon that was killed or is exiting. A daemon is started again only by operations that
     * start one (those that call {@link Pm2Daemon#running()}).
     */
    private <T> T retryingOnce(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (Pm2Exception e) {
            if (!e.connectionLost()) {
                throw e;
            }
            daemon.reconnectNextTime();
            try {
                return operation.get();
            } catch (Pm2Exception again) {
                throw new Pm2Exception(e.getMessage() + "; on a new connection: " + again.getMessage(), again);
            }
        }
    }

    private List<JsonNode> processList(DaemonRpc rpc) {
        return Jlist.apps(rpc.call("getMonitorData", Pm2Daemon.QUICK_CALL, Map.of()).path(0));
    }

    private Path node() {
        return Executables.find("node", baseEnv).orElse(Path.of("node"));
    }

    /**
     * Closes every daemon connection of this JVM, for a process about to exit (the next call of any
     * manager connects again). The CLI calls it before {@code System.exit}.
     */
    public static void disconnectAll() {
        Pm2Daemon.closeAll();
    }

    /** The daemon's pid from {@code $PM2_HOME/pm2.pid}, or 0. */
    static long daemonPid(Path pm2Home) {
        return Pm2Daemon.readPid(pm2Home.resolve("pm2.pid"));
    }
}
