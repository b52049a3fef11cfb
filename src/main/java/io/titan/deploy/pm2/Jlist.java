package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import io.titan.deploy.config.ByteSize;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the daemon's process list ({@code getMonitorData}, which {@code pm2 jlist} prints) and the
 * processes a {@code prepare} returns. Entries hold every app's environment, so nothing here puts
 * an entry into a message.
 */
final class Jlist {

    /**
     * Keys PM2 adds to an app's env on its own; left out when the app's env cannot be recovered
     * exactly (see {@link Pm2AppDefinition#envExact()}).
     */
    private static final Set<String> PM2_BOOKKEEPING = Set.of("PM2_HOME", "PM2_USAGE", "PM2_JSON_PROCESSING",
            "unique_id", "NODE_APP_INSTANCE", "pm_id", "_", "PWD", "OLDPWD", "SHLVL");

    private Jlist() {
    }

    /**
     * The apps in a process list ({@code getMonitorData}, what {@code pm2 jlist} prints), modules
     * left out.
     */
    static List<JsonNode> apps(JsonNode list) {
        if (!list.isArray()) {
            throw new Pm2Exception("the PM2 daemon sent a process list that is not a list");
        }
        List<JsonNode> apps = new ArrayList<>();
        for (JsonNode node : list) {
            if (!node.path("pm2_env").path("pmx_module").asBoolean(false)) {
                apps.add(node);
            }
        }
        return apps;
    }

    /** The processes and the definition of each app, from one process list. */
    static Pm2Snapshot snapshot(List<JsonNode> apps) {
        List<Pm2Process> processes = new ArrayList<>();
        Map<String, List<JsonNode>> byName = new TreeMap<>();
        for (JsonNode node : apps) {
            processes.add(process(node));
            byName.computeIfAbsent(name(node), n -> new ArrayList<>()).add(node);
        }
        Map<String, Pm2AppDefinition> definitions = new TreeMap<>();
        byName.forEach((name, instances) -> definitions.put(name, definition(instances)));
        return new Pm2Snapshot(processes, definitions);
    }

    static String name(JsonNode node) {
        return node.path("name").asText(node.path("pm2_env").path("name").asText(""));
    }

    static Pm2Process process(JsonNode node) {
        JsonNode env = node.path("pm2_env");
        long uptime = env.path("pm_uptime").asLong(0);
        return new Pm2Process(
                name(node),
                node.path("pm_id").asInt(env.path("pm_id").asInt(-1)),
                node.path("pid").asLong(node.path("process").path("pid").asLong(0)),
                Pm2Status.fromPm2(env.path("status").asText(null)),
                env.path("restart_time").asInt(0),
                env.path("unstable_restarts").asInt(0),
                uptime > 0 ? Instant.ofEpochMilli(uptime) : null,
                node.path("monit").path("cpu").asDouble(0),
                node.path("monit").path("memory").asLong(0),
                textOrNull(env.path("version")),
                pathOrNull(env.path("pm_exec_path")),
                pathOrNull(env.path("pm_cwd")),
                textOrNull(env.path("unique_id")));
    }

    /**
     * The definition of an app from its entries in the process list (one per instance).
     *
     * <p>PM2 keeps no copy of the app's own env: {@code pm2_env.env} is the whole environment the
     * app was started with (for an app this engine started, the minimal base, PWD and PM2_HOME with
     * the app's env over them; for one started by the pm2 CLI, that CLI's environment), and every one
     * of those keys is also copied to the top level of {@code pm2_env}. {@link AppConfig} therefore
     * sends the app's keys under {@link AppConfig#ENV_KEYS_MARKER}, and only those keys are read back
     * from {@code pm2_env.env}.
     */
    static Pm2AppDefinition definition(List<JsonNode> instances) {
        JsonNode first = instances.get(0);
        JsonNode env = first.path("pm2_env");
        String name = name(first);
        JsonNode appEnv = env.path("env");
        JsonNode marker = appEnv.get(AppConfig.ENV_KEYS_MARKER);
        Map<String, String> values = new TreeMap<>();
        if (marker != null) {
            for (String key : marker.asText("").split(",")) {
                JsonNode value = appEnv.get(key);
                if (!key.isEmpty() && value != null) {
                    values.put(key, text(value));
                }
            }
        } else {
            for (Map.Entry<String, JsonNode> field : appEnv.properties()) {
                if (!PM2_BOOKKEEPING.contains(field.getKey()) && !field.getKey().equals(name)) {
                    values.put(field.getKey(), text(field.getValue()));
                }
            }
        }
        Pm2App app = Pm2App.builder(name, Path.of(env.path("pm_exec_path").asText()))
                .cwd(pathOrNull(env.path("pm_cwd")))
                .args(args(env.path("args")))
                .env(new LinkedHashMap<>(values))
                .instances(Math.max(instances.size(), Math.max(1, env.path("instances").asInt(1))))
                .maxMemoryRestart(memory(env.path("max_memory_restart")))
                .autorestart(env.path("autorestart").asBoolean(true))
                .maxRestarts(env.path("max_restarts").asInt(Pm2App.DEFAULT_MAX_RESTARTS))
                .killTimeout(millis(env.path("kill_timeout"), Pm2App.DEFAULT_KILL_TIMEOUT))
                .minUptime(millis(env.path("min_uptime"), Pm2App.DEFAULT_MIN_UPTIME))
                .restartDelay(millis(env.path("restart_delay"), Duration.ZERO))
                .fingerprint(marker == null ? null : textOrNull(appEnv.path(AppConfig.FINGERPRINT_KEY)))
                .releaseId(marker == null ? null : releaseId(textOrNull(appEnv.path(AppConfig.RELEASE_KEY))))
                .cluster("cluster_mode".equals(env.path("exec_mode").asText("")))
                .waitReady(env.path("wait_ready").asBoolean(false))
                .build();
        Pm2Status status = Pm2Status.fromPm2(env.path("status").asText(null));
        return new Pm2AppDefinition(app, status, status.keepsRunning(), marker != null);
    }

    /** The release id kept with the app, or null when none, or when what is there cannot be one (set by hand). */
    private static String releaseId(String kept) {
        return Pm2App.isReleaseId(kept) ? kept : null;
    }

    private static List<String> args(JsonNode node) {
        List<String> args = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(arg -> args.add(arg.asText()));
        } else if (node.isTextual() && !node.asText().isBlank()) {
            // PM2 keeps a string when args came from the command line; it splits it on spaces itself.
            args.addAll(Arrays.asList(node.asText().trim().split("\\s+")));
        }
        return args;
    }

    /** PM2 stores max_memory_restart in bytes; give it back in the largest exact unit. */
    static String memory(JsonNode node) {
        if (node.isMissingNode() || node.isNull() || node.asLong(0) <= 0) {
            return null;
        }
        return new ByteSize(node.asLong()).toPm2();
    }

    private static Duration millis(JsonNode node, Duration fallback) {
        if (node.isNumber() || (node.isTextual() && node.asText().matches("[0-9]+"))) {
            return Duration.ofMillis(node.asLong());
        }
        return fallback;
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static Path pathOrNull(JsonNode node) {
        String text = textOrNull(node);
        return text == null || text.isEmpty() ? null : Path.of(text);
    }
}
