package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives one PM2 daemon (one {@code PM2_HOME}) over its own sockets: requests on {@code rpc.sock},
 * process events on {@code pub.sock} (see {@link Pm2Daemon}). No call starts a Node process; the
 * pm2 CLI runs only to install pm2-logrotate where it is missing and to change its settings.
 *
 * <p>Apps get the minimal environment (PATH, HOME, locale) plus their own: PM2 would otherwise pass
 * the caller's whole environment to every app, and a credential the Jenkins agent holds for one
 * service would reach every service.
 */
public final class Pm2Manager {

    /** Default time a call that starts or stops processes may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Time {@code pm2 install} may take: it runs npm. */
    public static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);

    private static final ObjectMapper JSON = new ObjectMapper();
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

    /**
     * PM2_HOME in this order: the configured value ({@code pm2.home}), env {@code PM2_HOME},
     * {@code ~/.pm2}.
     */
    public static Path resolvePm2Home(String configured) {
        return resolvePm2Home(configured, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The testable form of {@link #resolvePm2Home(String)}. */
    public static Path resolvePm2Home(String configured, Map<String, String> env, Path userHome) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String fromEnv = env.get("PM2_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        return userHome.resolve(".pm2").toAbsolutePath().normalize();
    }

    /** The PM2_HOME this manager drives. */
    public Path pm2Home() {
        return pm2Home;
    }

    /** The pm2 executable this manager runs. */
    public Path binary() {
        return binary;
    }

    /**
     * Connects to the daemon, starting it when none runs, and checks its version; when log
     * rotation is enabled, installs pm2-logrotate if this PM2_HOME lacks it and sets the settings
     * that differ. A target that is already set up costs two socket calls and no pm2 CLI at all.
     *
     * <p>The install runs {@code pm2 install pm2-logrotate@3.0.0}, which runs npm. It is given
     * {@code npm_config_prefer_offline=true}: {@code npm ci} of this project has put the module
     * and its dependencies into npm's cache, so the install takes ~2 s and needs the registry only
     * for what the cache lacks. Installing from the local {@code node_modules} copy instead would
     * either symlink PM2_HOME to the project checkout (a wiped Jenkins workspace breaks rotation)
     * or skip the module's dependencies.
     */
    public void initialize() {
        daemon.running();
        if (logRotation.enabled()) {
            configureLogRotation();
        }
    }

    private void configureLogRotation() {
        if (!logRotateInstalled()) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String key : Pm2Cli.NETWORK_ENV) {
                String value = System.getenv(key);
                if (value != null) {
                    env.put(key, value);
                }
            }
            env.put("npm_config_prefer_offline", "true");
            cli.run(List.of("install", LogRotation.MODULE + "@" + LogRotation.VERSION), INSTALL_TIMEOUT, env,
                    List.of());
            if (!logRotateInstalled()) {
                throw new Pm2Exception("pm2 install " + LogRotation.MODULE + " reported success but "
                        + pm2Home.resolve("module_conf.json") + " does not list the module");
            }
        }
        Map<String, String> current = moduleConf();
        // Each `pm2 set` of a module key restarts the module, so only changed values are set.
        logRotation.settings().forEach((key, wanted) -> {
            if (!wanted.equals(current.get(key))) {
                cli.run(List.of("set", key, wanted), timeout, Map.of(), List.of());
            }
        });
    }

    private boolean logRotateInstalled() {
        JsonNode conf = readModuleConf();
        return conf.path("module-db-v2").has(LogRotation.MODULE)
                && Files.isDirectory(pm2Home.resolve("modules").resolve(LogRotation.MODULE));
    }

    /**
     * The module settings in {@code $PM2_HOME/module_conf.json} as {@code module:key} to value
     * text. PM2 stores defaults from the module's package.json with their JSON types and values set
     * by {@code pm2 set} as strings, so everything is compared as text.
     */
    Map<String, String> moduleConf() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> module : readModuleConf().properties()) {
            if (module.getKey().startsWith("module-db") || !module.getValue().isObject()) {
                continue;
            }
            for (Map.Entry<String, JsonNode> setting : module.getValue().properties()) {
                settings.put(module.getKey() + ":" + setting.getKey(), setting.getValue().asText());
            }
        }
        return settings;
    }

    private JsonNode readModuleConf() {
        Path file = pm2Home.resolve("module_conf.json");
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Pm2Exception("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Starts one app; see {@link #startAll(List)}. */
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
            if (!Files.isRegularFile(app.script())) {
                throw new Pm2Exception(app.name() + ": script " + app.script() + " does not exist");
            }
            if (!Files.isDirectory(app.cwd())) {
                throw new Pm2Exception(app.name() + ": cwd " + app.cwd() + " is not a directory");
            }
        }
        return retryingOnce(() -> prepare(apps, names));
    }

    private List<Pm2Process> prepare(List<Pm2App> apps, Set<String> names) {
        DaemonRpc rpc = daemon.running();
        deleteAll(rpc, ids(rpc, names));
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
        for (Pm2App app : apps) {
            replies.add(rpc.send("prepare", AppConfig.of(app, pm2Home, baseEnv, node(), USER)));
        }
        List<Pm2Process> started = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            JsonNode processes = await(replies.get(i), "prepare", timeout).path(0);
            if (!processes.isArray() || processes.isEmpty()) {
                throw new Pm2Exception("PM2 accepted " + apps.get(i).name() + " but started no process");
            }
            for (JsonNode process : processes) {
                started.add(Jlist.process(process));
            }
        }
        return List.copyOf(started);
    }

    /** Restarts an existing app with its current definition (env unchanged). */
    public void restart(String name) {
        onExisting("restart", name, "restartProcessId", id -> Map.of("id", id));
    }

    /** Stops an existing app; PM2 keeps its definition. */
    public void stop(String name) {
        onExisting("stop", name, "stopProcessId", id -> id);
    }

    /** Stops and forgets an existing app. */
    public void delete(String name) {
        onExisting("delete", name, "deleteProcessId", id -> id);
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
        deleteAll(rpc.get(), ids);
        return !ids.isEmpty();
    }

    /** The action on every process of an app that must exist. */
    private void onExisting(String action, String name, String method, java.util.function.Function<Integer, Object> arg) {
        Pm2App.requireName(name);
        retryingOnce(() -> {
            onEveryProcess(action, name, method, arg);
            return null;
        });
    }

    private void onEveryProcess(String action, String name, String method,
                                java.util.function.Function<Integer, Object> arg) {
        Optional<DaemonRpc> rpc = daemon.ifRunning();
        List<Integer> ids = rpc.isEmpty() ? List.of() : ids(rpc.get(), Set.of(name));
        if (ids.isEmpty()) {
            throw new Pm2Exception("cannot " + action + " " + name + ": PM2 (" + pm2Home + ") has no such app");
        }
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
        for (int id : ids) {
            replies.add(rpc.get().send(method, arg.apply(id)));
        }
        replies.forEach(reply -> await(reply, method, timeout));
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

    private void deleteAll(DaemonRpc rpc, List<Integer> ids) {
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
        for (int id : ids) {
            replies.add(rpc.send("deleteProcessId", id));
        }
        replies.forEach(reply -> await(reply, "deleteProcessId", timeout));
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

    /** The process entries of one app (several in cluster mode). */
    public List<Pm2Process> find(String name) {
        return getProcessList().stream().filter(process -> process.name().equals(name)).toList();
    }

    /**
     * Every app's current definition, by name (see {@link Pm2AppDefinition} for how its env is
     * recovered), to restore it exactly later. Empty without a daemon.
     */
    public Map<String, Pm2AppDefinition> describeAll() {
        return snapshot().definitions();
    }

    /**
     * The process list and every app's definition from one process list of the daemon. Empty
     * without a daemon (none is started for this).
     */
    public Pm2Snapshot snapshot() {
        return retryingOnce(this::look);
    }

    private Pm2Snapshot look() {
        Optional<DaemonRpc> rpc = daemon.ifRunning();
        if (rpc.isEmpty()) {
            return Pm2Snapshot.empty();
        }
        List<Pm2Process> processes = new ArrayList<>();
        Map<String, List<JsonNode>> byName = new TreeMap<>();
        for (JsonNode node : processList(rpc.get())) {
            processes.add(Jlist.process(node));
            byName.computeIfAbsent(Jlist.name(node), n -> new ArrayList<>()).add(node);
        }
        Map<String, Pm2AppDefinition> definitions = new TreeMap<>();
        byName.forEach((name, instances) -> definitions.put(name, Jlist.definition(instances)));
        return new Pm2Snapshot(processes, definitions);
    }

    /**
     * Starts watching the daemon's process events (the daemon is started when it does not run).
     * Close the watch when done.
     */
    public ProcessWatch watch() {
        return new ProcessWatch(daemon.bus());
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

    private static JsonNode await(CompletableFuture<JsonNode> reply, String method, Duration timeout) {
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Pm2Exception("the PM2 daemon did not answer " + method + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Pm2Exception("interrupted while waiting for the PM2 daemon to answer " + method, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Pm2Exception pm2 ? new Pm2Exception(pm2.getMessage(), pm2)
                    : new Pm2Exception(method + " failed: " + e.getCause(), e.getCause());
        }
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
