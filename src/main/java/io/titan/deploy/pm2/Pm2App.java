package io.titan.deploy.pm2;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The complete PM2 definition of one app, as the engine controls it. Everything PM2 needs to start
 * the app the same way again is here, so a definition read back from PM2
 * ({@link Pm2Manager#snapshot()}) can restore a previous release exactly.
 *
 * <p>Build one with {@link #builder(String, Path)}; only name and script are required. The
 * {@link #toString()} of a definition never shows env values, which may be secrets.
 *
 * @param name             PM2 app name: letters, digits, {@code . _ - @}; not all digits and not
 *                         {@code all} (pm2 would read those as an id or as every app)
 * @param script           absolute path of the script PM2 runs
 * @param cwd              absolute working directory; defaults to the script's folder
 * @param args             arguments after the script
 * @param env              the app's own environment (not the caller's); sorted by key
 * @param instances        number of processes; more than one runs in PM2 cluster mode
 * @param maxMemoryRestart memory limit like {@code 300M} after which PM2 restarts the app, or null
 * @param autorestart      whether PM2 restarts the app when it exits
 * @param maxRestarts      unstable restarts PM2 allows before it marks the app errored
 * @param killTimeout      time between SIGINT and SIGKILL on stop
 * @param minUptime        uptime below which an exit counts as an unstable restart
 * @param restartDelay     pause before an automatic restart
 * @param fingerprint      what the engine knew of this definition and its code when it started it
 *                         (an encoded fingerprint), kept with the app in PM2 as compose keeps its
 *                         config hash on a container; null when unknown. Not part of the definition:
 *                         the app runs the same without it
 * @param releaseId        the release that started the app (as history and reports name it), kept
 *                         with the app in PM2 beside the fingerprint, so that what runs can be traced
 *                         to its release on any host; null when unknown. Not part of the definition
 * @param cluster          PM2 cluster mode even for one instance ({@link #clusterMode()})
 * @param waitReady        PM2's {@code wait_ready}: the app says {@code process.send('ready')} once it serves
 */
public record Pm2App(
        String name,
        Path script,
        Path cwd,
        List<String> args,
        Map<String, String> env,
        int instances,
        String maxMemoryRestart,
        boolean autorestart,
        int maxRestarts,
        Duration killTimeout,
        Duration minUptime,
        Duration restartDelay,
        String fingerprint,
        String releaseId,
        boolean cluster,
        boolean waitReady) {

    /** PM2's own default, which the seed also sets: SIGINT, then SIGKILL after 1.6 s. */
    public static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofMillis(1600);
    /**
     * PM2 counts a restart against {@code max_restarts} only when the app died within
     * {@code min_uptime} of starting. PM2's own default is 1 s, which a Node service that crashes
     * while connecting to Redis after 2 s would never hit, so a crash loop would restart forever.
     * Five seconds covers the seed's services' startup, yet a service that ran for longer and then
     * died is still restarted without limit, as autorestart intends.
     */
    public static final Duration DEFAULT_MIN_UPTIME = Duration.ofSeconds(5);
    /**
     * A short pause before automatic restarts keeps a crash loop from spinning the CPU. Note that
     * while waiting PM2 shows the app as {@code waiting restart} with pid 0.
     */
    public static final Duration DEFAULT_RESTART_DELAY = Duration.ofMillis(100);
    /** The seed's value: after 10 unstable restarts PM2 gives up and marks the app errored. */
    public static final int DEFAULT_MAX_RESTARTS = 10;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[KMG]?");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    /** A release id: what {@code release begin --release} accepts, and the ids deploys make themselves. */
    private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern FINGERPRINT = Pattern.compile("[A-Za-z0-9_.:-]+=[A-Za-z0-9:]+(;[A-Za-z0-9_.:-]+=[A-Za-z0-9:]+)*");

    /** Validates and copies; see {@link Builder} for the defaults. */
    public Pm2App {
        name = requireName(name);
        script = absolute(name, "script", script);
        cwd = cwd == null ? script.getParent() : absolute(name, "cwd", cwd);
        args = List.copyOf(Objects.requireNonNull(args, "args"));
        env = copyEnv(name, env);
        if (instances < 1) {
            throw bad(name, "instances must be at least 1, got " + instances);
        }
        if (maxMemoryRestart != null && !MEMORY.matcher(maxMemoryRestart).matches()) {
            throw bad(name, "maxMemoryRestart must look like 300M, 1G or 512K, got '" + maxMemoryRestart + "'");
        }
        if (maxRestarts < 0) {
            throw bad(name, "maxRestarts must not be negative, got " + maxRestarts);
        }
        killTimeout = nonNegative(name, "killTimeout", killTimeout);
        minUptime = nonNegative(name, "minUptime", minUptime);
        restartDelay = nonNegative(name, "restartDelay", restartDelay);
        if (fingerprint != null && !FINGERPRINT.matcher(fingerprint).matches()) {
            throw bad(name, "fingerprint must be key=hash pairs separated by ';', got '" + fingerprint + "'");
        }
        if (releaseId != null && !isReleaseId(releaseId)) {
            throw bad(name, "releaseId must be letters, digits, . _ - (at most 128), got '" + releaseId + "'");
        }
    }

    /**
     * Starts a definition with the seed's defaults: one fork-mode instance, autorestart, 10 max
     * restarts, 1600 ms kill timeout, {@link #DEFAULT_MIN_UPTIME}, {@link #DEFAULT_RESTART_DELAY},
     * no memory limit, cwd the script's folder.
     */
    public static Builder builder(String name, Path script) {
        return new Builder(name, script);
    }

    /** A builder holding this definition, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when PM2 runs this app in cluster mode: asked for, or more than one instance. */
    public boolean clusterMode() {
        return cluster || instances > 1;
    }

    /** Shows env keys only: values may be secrets and toString ends up in logs. */
    @Override
    public String toString() {
        return "Pm2App[name=" + name + ", script=" + script + ", cwd=" + cwd + ", args=" + args
                + ", envKeys=" + env.keySet() + ", instances=" + instances
                + ", maxMemoryRestart=" + maxMemoryRestart + ", autorestart=" + autorestart
                + ", maxRestarts=" + maxRestarts + ", killTimeout=" + killTimeout
                + ", minUptime=" + minUptime + ", restartDelay=" + restartDelay
                + ", fingerprinted=" + (fingerprint != null) + ", releaseId=" + releaseId + ", cluster=" + clusterMode()
                + ", waitReady=" + waitReady + "]";
    }

    /** Whether {@code text} can be a {@link #releaseId()}: what {@code release begin --release} accepts. */
    public static boolean isReleaseId(String text) {
        return text != null && RELEASE_ID.matcher(text).matches();
    }

    static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.chars().allMatch(Character::isDigit)
                || name.equals("all")) {
            throw new TitanException("PM2 app name must be letters, digits and . _ - @, not all digits"
                    + " and not 'all' (pm2 reads those as ids or every app), got '" + name + "'",
                    ExitCodes.BAD_INPUT);
        }
        return name;
    }

    private static Path absolute(String name, String what, Path path) {
        if (path == null) {
            throw bad(name, what + " is required");
        }
        return path.toAbsolutePath().normalize();
    }

    private static Map<String, String> copyEnv(String name, Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Map<String, String> sorted = new TreeMap<>();
        env.forEach((key, value) -> {
            if (key == null || !ENV_KEY.matcher(key).matches()) {
                throw bad(name, "env key must be a variable name, got '" + key + "'");
            }
            if (key.equals(AppConfig.ENV_KEYS_MARKER) || key.equals(AppConfig.FINGERPRINT_KEY)
                    || key.equals(AppConfig.RELEASE_KEY)) {
                throw bad(name, "env key " + key + " is reserved for the engine");
            }
            if (value == null) {
                throw bad(name, "env " + key + " has no value");
            }
            sorted.put(key, value);
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    private static Duration nonNegative(String name, String what, Duration value) {
        if (value == null || value.isNegative()) {
            throw bad(name, what + " must be zero or more, got " + value);
        }
        return value;
    }

    private static TitanException bad(String name, String message) {
        return new TitanException("PM2 app " + name + ": " + message, ExitCodes.BAD_INPUT);
    }

    /** Mutable builder for {@link Pm2App}; every setter returns this builder. */
    public static final class Builder {
        private final String name;
        private Path script;
        private Path cwd;
        private List<String> args = new ArrayList<>();
        private Map<String, String> env = new LinkedHashMap<>();
        private int instances = 1;
        private String maxMemoryRestart;
        private boolean autorestart = true;
        private int maxRestarts = DEFAULT_MAX_RESTARTS;
        private Duration killTimeout = DEFAULT_KILL_TIMEOUT;
        private Duration minUptime = DEFAULT_MIN_UPTIME;
        private Duration restartDelay = DEFAULT_RESTART_DELAY;
        private String fingerprint;
        private String releaseId;
        private boolean cluster;
        private boolean waitReady;

        private Builder(String name, Path script) {
            this.name = name;
            this.script = script;
        }

        private Builder(Pm2App app) {
            this(app.name, app.script);
            cwd = app.cwd;
            args = new ArrayList<>(app.args);
            env = new LinkedHashMap<>(app.env);
            instances = app.instances;
            maxMemoryRestart = app.maxMemoryRestart;
            autorestart = app.autorestart;
            maxRestarts = app.maxRestarts;
            killTimeout = app.killTimeout;
            minUptime = app.minUptime;
            restartDelay = app.restartDelay;
            fingerprint = app.fingerprint;
            releaseId = app.releaseId;
            cluster = app.cluster;
            waitReady = app.waitReady;
        }

        /** The script PM2 runs. */
        public Builder script(Path value) {
            script = value;
            return this;
        }

        /** Working directory; null means the script's folder. */
        public Builder cwd(Path value) {
            cwd = value;
            return this;
        }

        /** Replaces the arguments. */
        public Builder args(List<String> value) {
            args = new ArrayList<>(value);
            return this;
        }

        /** Replaces the whole app environment. */
        public Builder env(Map<String, String> value) {
            env = new LinkedHashMap<>(value);
            return this;
        }

        /** Sets one environment variable. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Number of instances; more than one means cluster mode. */
        public Builder instances(int value) {
            instances = value;
            return this;
        }

        /** Memory limit like {@code 300M}; null for none. */
        public Builder maxMemoryRestart(String value) {
            maxMemoryRestart = value;
            return this;
        }

        /** Whether PM2 restarts the app when it exits. */
        public Builder autorestart(boolean value) {
            autorestart = value;
            return this;
        }

        /** Unstable restarts allowed before PM2 gives up. */
        public Builder maxRestarts(int value) {
            maxRestarts = value;
            return this;
        }

        /** Time between SIGINT and SIGKILL. */
        public Builder killTimeout(Duration value) {
            killTimeout = value;
            return this;
        }

        /** Uptime below which an exit counts as unstable. */
        public Builder minUptime(Duration value) {
            minUptime = value;
            return this;
        }

        /** Pause before an automatic restart. */
        public Builder restartDelay(Duration value) {
            restartDelay = value;
            return this;
        }

        /** The encoded fingerprint kept with the app; null for none. */
        public Builder fingerprint(String value) {
            fingerprint = value;
            return this;
        }

        /** The release that starts the app, kept with it in PM2; null for none. */
        public Builder releaseId(String value) {
            releaseId = value;
            return this;
        }

        /** PM2 cluster mode even for one instance (more than one instance is cluster mode anyway). */
        public Builder cluster(boolean value) {
            cluster = value;
            return this;
        }

        /** PM2's wait_ready: the app sends {@code process.send('ready')} once it serves. */
        public Builder waitReady(boolean value) {
            waitReady = value;
            return this;
        }

        /** Validates and builds the definition. */
        public Pm2App build() {
            return new Pm2App(name, script, cwd, args, env, instances, maxMemoryRestart, autorestart,
                    maxRestarts, killTimeout, minUptime, restartDelay, fingerprint, releaseId, cluster, waitReady);
        }
    }
}
