package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Drives one PM2 daemon (one {@code PM2_HOME}) through the pm2 CLI.
 *
 * <p>Calls on the same PM2_HOME are serialised, across all instances in this JVM: pm2 CLI calls
 * read and write shared files in PM2_HOME, the first one spawns the daemon, and several of our
 * operations are check-then-act (see {@link #startAll(List)}). A pm2 call costs ~0.2 s, so
 * serialising costs little next to the services' own start-up.
 *
 * <p>Every call runs pm2 with an argument list and a minimal environment (see {@code Pm2Cli}): PM2
 * copies the caller's environment into every app it starts.
 */
public final class Pm2Manager {

    /** Default time a single pm2 call may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A {@code jlist} answers in well under a second; one that takes longer is a pm2 client stuck
     * on a daemon that died under it, and every health gate of a deployment waits behind it.
     */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** Time {@code pm2 install} may take: it runs npm. */
    public static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;
    private final Path pm2Home;
    private final LogRotation logRotation;
    private final Duration timeout;
    private final Pm2Cli cli;
    private final ReentrantLock lock;

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
     * @param timeout     time a single pm2 call may take before it is killed
     */
    public Pm2Manager(Path binary, Path pm2Home, LogRotation logRotation, Duration timeout) {
        this.binary = Objects.requireNonNull(binary, "binary").toAbsolutePath().normalize();
        this.pm2Home = Objects.requireNonNull(pm2Home, "pm2Home").toAbsolutePath().normalize();
        this.logRotation = Objects.requireNonNull(logRotation, "logRotation");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        try {
            Files.createDirectories(this.pm2Home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PM2_HOME " + this.pm2Home, e);
        }
        this.cli = new Pm2Cli(this.binary, this.pm2Home, System.getenv());
        this.lock = LOCKS.computeIfAbsent(this.pm2Home, home -> new ReentrantLock());
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
     * Starts the daemon when needed ({@code pm2 ping}) and, when log rotation is enabled, installs
     * pm2-logrotate if this PM2_HOME lacks it and sets the settings that differ.
     *
     * <p>The install runs {@code pm2 install pm2-logrotate@3.0.0}, which runs npm. It is given
     * {@code npm_config_prefer_offline=true}: {@code npm ci} of this project has put the module
     * and its dependencies into npm's cache, so the install takes ~2 s and needs the registry only
     * for what the cache lacks. Installing from the local {@code node_modules} copy instead would
     * either symlink PM2_HOME to the project checkout (a wiped Jenkins workspace breaks rotation)
     * or skip the module's dependencies.
     */
    public void initialize() {
        locked(() -> {
            cli.run(List.of("ping"), timeout, Map.of(), List.of());
            if (logRotation.enabled()) {
                configureLogRotation();
            }
            return null;
        });
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
    public void start(Pm2App app) {
        startAll(List.of(app));
    }

    /**
     * Starts the apps with exactly these definitions.
     *
     * <p>An app that already exists is deleted first: {@code pm2 start ecosystem.json} on an
     * existing app only restarts it, taking the new env, args and limits but keeping the OLD script
     * path and cwd (checked on PM2 7.0.4), so a new release would silently run the old code. The
     * delete resets PM2's restart counters, which is what a new release wants anyway.
     *
     * <p>Script and cwd are checked first, all of them before anything changes: PM2 reports a
     * missing cwd as {@code online} with no pid. The ecosystem file is written owner-only and
     * deleted afterwards. Success is checked in the process list, since {@code pm2 start --only}
     * with a name that is not in the file exits 0 without starting anything.
     *
     * @throws Pm2Exception when a script or cwd is missing, pm2 fails, or an app is not listed afterwards
     */
    public void startAll(List<Pm2App> apps) {
        if (apps.isEmpty()) {
            return;
        }
        Set<String> names = new HashSet<>();
        List<String> secrets = new ArrayList<>();
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
            secrets.addAll(app.env().values());
        }
        locked(() -> {
            ensureDaemon();
            Set<String> existing = new HashSet<>();
            for (JsonNode node : jlist()) {
                existing.add(Jlist.name(node));
            }
            for (Pm2App app : apps) {
                if (existing.contains(app.name())) {
                    cli.run(List.of("delete", app.name()), timeout, Map.of(), secrets);
                }
            }
            Path file = Ecosystem.writeSecure(ecosystemDir(), apps);
            try {
                cli.run(List.of("start", file.toString(), "--only", String.join(",", names(apps))),
                        timeout, Map.of(), secrets);
            } finally {
                deleteQuietly(file);
            }
            Set<String> listed = new HashSet<>();
            for (JsonNode node : jlist()) {
                listed.add(Jlist.name(node));
            }
            for (Pm2App app : apps) {
                if (!listed.contains(app.name())) {
                    throw new Pm2Exception("pm2 start reported success but " + app.name()
                            + " is not in the process list of " + pm2Home);
                }
            }
            return null;
        });
    }

    /** Restarts an existing app with its current definition ({@code pm2 restart}, env unchanged). */
    public void restart(String name) {
        onExisting("restart", name);
    }

    /** Stops an existing app; PM2 keeps its definition. */
    public void stop(String name) {
        onExisting("stop", name);
    }

    /** Stops and forgets an existing app. */
    public void delete(String name) {
        onExisting("delete", name);
    }

    /**
     * Deletes the app when PM2 has it.
     *
     * @return whether there was an app to delete
     */
    public boolean deleteIfPresent(String name) {
        Pm2App.requireName(name);
        return locked(() -> {
            if (!daemonRunning() || !exists(name)) {
                return false;
            }
            cli.run(List.of("delete", name), timeout, Map.of(), List.of());
            return true;
        });
    }

    /**
     * The action on an app that must exist. The existence check matters beyond the message: pm2
     * also takes a namespace where it expects a name, so {@code pm2 stop default} on a missing app
     * named "default" would stop every app in the default namespace.
     */
    private void onExisting(String action, String name) {
        Pm2App.requireName(name);
        locked(() -> {
            if (!daemonRunning() || !exists(name)) {
                throw new Pm2Exception("cannot " + action + " " + name + ": PM2 (" + pm2Home + ") has no such app");
            }
            cli.run(List.of(action, name), timeout, Map.of(), List.of());
            return null;
        });
    }

    private boolean exists(String name) {
        for (JsonNode node : jlist()) {
            if (Jlist.name(node).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Pings the daemon, starting it when it does not run.
     *
     * @return true when the daemon answered
     */
    public boolean ping() {
        return locked(() -> {
            try {
                return cli.run(List.of("ping"), timeout, Map.of(), List.of()).stdout().contains("pong");
            } catch (Pm2Exception e) {
                return false;
            }
        });
    }

    /** Whether the daemon of this PM2_HOME runs, read from its pid file; never starts one. */
    public boolean isDaemonRunning() {
        return daemonRunning();
    }

    /**
     * Stops all apps and the daemon ({@code pm2 kill}). Does nothing when no daemon runs, because
     * {@code pm2 kill} without a daemon first spawns one just to kill it.
     */
    public void kill() {
        locked(() -> {
            long daemon = daemonPid(pm2Home);
            if (!ProcessLiveness.isAlive(daemon)) {
                return null;
            }
            cli.run(List.of("kill"), timeout, Map.of(), List.of());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (ProcessLiveness.isAlive(daemon) && System.nanoTime() < deadline) {
                pause();
            }
            if (ProcessLiveness.isAlive(daemon)) {
                throw new Pm2Exception("pm2 kill returned but the PM2 daemon (pid " + daemon + ") still runs");
            }
            return null;
        });
    }

    /**
     * Saves the process list for {@code pm2 resurrect}. The dump ({@code $PM2_HOME/dump.pm2})
     * contains every app's env, secrets included; PM2_HOME must be private to the service user.
     */
    public void save() {
        locked(() -> cli.run(List.of("save", "--force"), timeout, Map.of(), List.of()));
    }

    /**
     * The apps PM2 runs, one entry per process, modules left out. Empty when no daemon runs (no
     * daemon is started for this).
     */
    public List<Pm2Process> getProcessList() {
        return locked(() -> {
            if (!daemonRunning()) {
                return List.of();
            }
            List<Pm2Process> processes = new ArrayList<>();
            for (JsonNode node : jlist()) {
                processes.add(Jlist.process(node));
            }
            return List.copyOf(processes);
        });
    }

    /** The process entries of one app (several in cluster mode). */
    public List<Pm2Process> find(String name) {
        return getProcessList().stream().filter(process -> process.name().equals(name)).toList();
    }

    /**
     * The current definition of an app, to restore it exactly later; see {@link Pm2AppDefinition}
     * for how its env is recovered.
     *
     * @return empty when PM2 has no such app
     */
    public Optional<Pm2AppDefinition> describe(String name) {
        return locked(() -> {
            if (!daemonRunning()) {
                return Optional.empty();
            }
            List<JsonNode> instances = new ArrayList<>();
            for (JsonNode node : jlist()) {
                if (Jlist.name(node).equals(name)) {
                    instances.add(node);
                }
            }
            return instances.isEmpty() ? Optional.<Pm2AppDefinition>empty() : Optional.of(Jlist.definition(instances));
        });
    }

    /**
     * Every app's current definition, by name, from a single {@code jlist}: what a change-aware
     * deploy compares against, without one Node start-up per service. Empty without a daemon.
     */
    public Map<String, Pm2AppDefinition> describeAll() {
        return locked(() -> {
            if (!daemonRunning()) {
                return Map.<String, Pm2AppDefinition>of();
            }
            Map<String, List<JsonNode>> byName = new java.util.TreeMap<>();
            for (JsonNode node : jlist()) {
                byName.computeIfAbsent(Jlist.name(node), n -> new ArrayList<>()).add(node);
            }
            Map<String, Pm2AppDefinition> definitions = new java.util.TreeMap<>();
            byName.forEach((name, instances) -> definitions.put(name, Jlist.definition(instances)));
            return definitions;
        });
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private List<JsonNode> jlist() {
        return Jlist.apps(cli.run(List.of("jlist"), min(timeout, READ_TIMEOUT), Map.of(), List.of()).stdout());
    }

    private void ensureDaemon() {
        if (!daemonRunning()) {
            cli.run(List.of("ping"), timeout, Map.of(), List.of());
        }
    }

    private boolean daemonRunning() {
        return ProcessLiveness.isAlive(daemonPid(pm2Home));
    }

    /** The daemon's pid from {@code $PM2_HOME/pm2.pid}, or 0. */
    static long daemonPid(Path pm2Home) {
        try {
            return Long.parseLong(Files.readString(pm2Home.resolve("pm2.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private Path ecosystemDir() {
        Path dir = pm2Home.resolve("titan");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static Collection<String> names(List<Pm2App> apps) {
        return apps.stream().map(Pm2App::name).toList();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The file is owner-only inside an owner-only folder; failing a start that PM2 has
            // already carried out, just because the cleanup failed, would be worse.
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Pm2Exception("interrupted while waiting for the PM2 daemon to stop", e);
        }
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
