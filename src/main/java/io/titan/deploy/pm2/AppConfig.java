package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.config.ByteSize;
import io.titan.deploy.config.Scripts;
import io.titan.deploy.event.OutputLine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The complete app object the PM2 daemon's {@code prepare} expects, built from a {@link Pm2App}.
 *
 * <p>The daemon trusts its caller to have done what {@code pm2 start} does on the client side
 * (learned from pm2 7.0.4's {@code lib/Common.js}, {@code lib/API.js} and {@code lib/API/schema.json}):
 * absolute script and cwd, the interpreter, an explicit exec mode, sizes in bytes and durations in
 * milliseconds, log and pid paths under PM2_HOME, the schema's defaults, and the whole environment
 * of the app. In fork mode the app's process gets that {@code env} plus, as variables, every plain
 * field of its {@code pm2_env} (name, pm_id, paths, limits, status...: the daemon spawns it so), and
 * Node's IPC channel variables. What this produces is held
 * against what {@code pm2 start ecosystem.json} produces, field by field, by
 * {@code AppConfigGoldenTest}, which is what guards a PM2 upgrade.
 */
final class AppConfig {

    /**
     * Env key listing the app's own env keys; reserved, rejected in {@link Pm2App#env()}. The daemon
     * hands every app a whole environment and keeps no record of which keys were the app's own, so
     * the list is the only way {@link Jlist} can give back exactly the env the engine defined.
     */
    static final String ENV_KEYS_MARKER = "TITAN_PM2_ENV_KEYS";
    /** Env key that keeps {@link Pm2App#fingerprint()} with the app in PM2; reserved. */
    static final String FINGERPRINT_KEY = "TITAN_FINGERPRINT";
    /** Env key that keeps {@link Pm2App#releaseId()} with the app in PM2; reserved. */
    static final String RELEASE_KEY = "TITAN_RELEASE";
    /** The timestamp format PM2 applies to log lines when {@code time} is true (it replaces any other). */
    static final String LOG_DATE_FORMAT = "YYYY-MM-DDTHH:mm:ss";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AppConfig() {
    }

    /**
     * The {@code prepare} argument for {@code app}.
     *
     * @param pm2Home      the daemon's PM2_HOME (logs and pid files go below it; apps see it as PM2_HOME)
     * @param baseEnv      the minimal environment every app gets (PATH, HOME, locale), below its own env
     * @param nodeBinary   the node executable, for scripts PM2 would run with the node that runs pm2
     * @param username     the user PM2 records as having started the app
     */
    static ObjectNode of(Pm2App app, Path pm2Home, Map<String, String> baseEnv, Path nodeBinary, String username) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", app.name());
        node.put("namespace", "default");
        node.put("pm_exec_path", app.script().toString());
        node.put("cwd", app.cwd().toString());
        node.put("pm_cwd", app.cwd().toString());
        ArrayNode args = node.putArray("args");
        app.args().forEach(args::add);
        node.putArray("node_args");
        String interpreter = interpreter(app.script(), nodeBinary, baseEnv);
        node.put("exec_interpreter", interpreter);
        node.put("exec_mode", app.clusterMode() ? "cluster_mode" : "fork_mode");
        node.put("instances", app.instances());
        node.put("autorestart", app.autorestart());
        node.put("max_restarts", app.maxRestarts());
        node.put("min_uptime", app.minUptime().toMillis());
        node.put("restart_delay", app.restartDelay().toMillis());
        node.put("kill_timeout", app.killTimeout().toMillis());
        if (app.waitReady()) {
            // The engine waits for the message itself (PM2 marks the app online anyway after
            // listen_timeout); PM2's own restarts of the app wait for it too.
            node.put("wait_ready", true);
        }
        if (app.maxMemoryRestart() != null) {
            node.put("max_memory_restart", ByteSize.parse(app.maxMemoryRestart()).bytes());
        }
        // One log file per app, not one per cluster instance; timestamps in PM2's own format.
        node.put("merge_logs", true);
        node.put("time", true);
        node.put("log_date_format", LOG_DATE_FORMAT);
        node.put("pm_out_log_path", logFile(pm2Home, app.name(), OutputLine.Stream.OUT).toString());
        node.put("pm_err_log_path", logFile(pm2Home, app.name(), OutputLine.Stream.ERR).toString());
        node.put("pm_pid_path", pm2Home.resolve("pids").resolve(fileName(app.name()) + ".pid").toString());
        // schema.json defaults that pm2 start fills in.
        node.put("vizion", true);
        node.put("autostart", true);
        node.put("instance_var", "NODE_APP_INSTANCE");
        node.put("pmx", true);
        node.put("automation", true);
        // Without treekill a stop kills only the app's own process, and its children live on.
        node.put("treekill", true);
        node.put("windowsHide", true);
        node.put("kill_retry_time", 100);
        node.put("username", username);
        node.put("km_link", false);
        ObjectNode env = node.putObject("env");
        environment(app, pm2Home, baseEnv).forEach(env::put);
        if (interpreter.contains("python")) {
            // pm2 start sets it for every Python app, over the app's own value: without it Python
            // buffers its output and log lines arrive in 8 KB blocks, late or never on a crash.
            env.put("PYTHONUNBUFFERED", "1");
        }
        return node;
    }

    /** The PM2 log file of app {@code name}'s {@code stream}, as its {@code pm_out_log_path}/{@code pm_err_log_path}. */
    static Path logFile(Path pm2Home, String name, OutputLine.Stream stream) {
        String suffix = stream == OutputLine.Stream.OUT ? "-out.log" : "-error.log";
        return pm2Home.resolve("logs").resolve(fileName(name) + suffix);
    }

    private static String fileName(String name) {
        return name.replaceAll("[^a-zA-Z0-9.\\-]", "-");
    }

    /**
     * The {@code prepare} argument for one cluster worker of {@code app}, started beside the
     * workers that run already: one instance, numbered {@code instance}. PM2 would number it itself,
     * with the lowest number no process of that name has, and the old worker it replaces has that
     * number still; the app's env is copied over PM2's own numbering, so the number given here is
     * the one the worker sees in {@code NODE_APP_INSTANCE} (as in a pm2 reload, the new worker gets
     * the old one's). It is not one of the app's own keys, so it is not read back as its env.
     */
    static ObjectNode worker(Pm2App app, int instance, Path pm2Home, Map<String, String> baseEnv, Path nodeBinary,
                             String username) {
        if (instance < 0) {
            throw new IllegalArgumentException("instance must be zero or more, got " + instance);
        }
        ObjectNode node = of(app, pm2Home, baseEnv, nodeBinary, username);
        node.put("instances", 1);
        ((ObjectNode) node.get("env")).put(node.path("instance_var").asText(), instance);
        return node;
    }

    /**
     * What the app's environment is: the minimal base, {@code PWD} as a shell would set it, the
     * app's own variables, the key list that lets the engine read its own env back, and PM2_HOME.
     */
    static Map<String, String> environment(Pm2App app, Path pm2Home, Map<String, String> baseEnv) {
        Map<String, String> env = new TreeMap<>(baseEnv);
        env.put("PWD", app.cwd().toString());
        env.putAll(app.env());
        env.put(ENV_KEYS_MARKER, String.join(",", app.env().keySet()));
        if (app.fingerprint() != null) {
            env.put(FINGERPRINT_KEY, app.fingerprint());
        }
        if (app.releaseId() != null) {
            env.put(RELEASE_KEY, app.releaseId());
        }
        env.put("PM2_HOME", pm2Home.toString());
        return env;
    }

    /**
     * PM2's choice: by extension, with {@code python3} for {@code .py} where {@code PATH} has no
     * {@code python}; otherwise {@code none} for a binary, which runs on its own, and for anything
     * else the node that runs pm2 as Node names itself ({@code process.execPath}, symbolic links
     * resolved).
     *
     * @param env the environment pm2 would run in; its {@code PATH} is searched for python
     */
    static String interpreter(Path script, Path nodeBinary, Map<String, String> env) {
        Optional<String> known = Scripts.interpreterByExtension(script);
        if (known.isPresent()) {
            boolean python3Only = known.get().equals("python") && Executables.find("python", env).isEmpty()
                    && Executables.find("python3", env).isPresent();
            return python3Only ? "python3" : known.get();
        }
        return Scripts.isBinary(script) ? "none" : realPath(nodeBinary).toString();
    }

    private static Path realPath(Path file) {
        if (!file.isAbsolute()) {
            // A bare "node" (none on PATH) is left for the daemon's PATH to find.
            return file;
        }
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    /** The environment keys of every app this engine starts that are not the app's own. */
    static List<String> ownKeys() {
        return List.of("PWD", ENV_KEYS_MARKER, "PM2_HOME");
    }
}
