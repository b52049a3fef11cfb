package io.titan.deploy.pm2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Renders {@link Pm2App} definitions as the ecosystem JSON PM2 reads ({@code {"apps":[...]}}),
 * with the seed's PM2 settings.
 *
 * <p>PM2 7.0.4 reads a {@code .json} ecosystem by evaluating it as JavaScript
 * ({@code vm.runInThisContext("(" + text + ")")}), so the file must come from a real JSON writer,
 * never from string concatenation. With {@code time: true} PM2 replaces any
 * {@code log_date_format} by {@value #LOG_DATE_FORMAT}; we write that same format so the file says
 * what PM2 does.
 *
 * <p>Each app's env also carries {@value #ENV_KEYS_MARKER}, the comma-separated list of the app's
 * own env keys. PM2 merges the pm2 CLI's whole environment into the app's env and keeps no copy of
 * the app's part, so the marker is the only way {@link Pm2Manager#describe(String)} can give back
 * exactly the env the engine defined.
 */
public final class Ecosystem {

    /** Env key listing the app's own env keys; reserved, rejected in {@link Pm2App#env()}. */
    public static final String ENV_KEYS_MARKER = "TITAN_PM2_ENV_KEYS";
    /** Env key that keeps {@link Pm2App#fingerprint()} with the app in PM2; reserved. */
    public static final String FINGERPRINT_KEY = "TITAN_FINGERPRINT";
    /** The timestamp format PM2 applies to log lines when {@code time} is true. */
    public static final String LOG_DATE_FORMAT = "YYYY-MM-DDTHH:mm:ss";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Ecosystem() {
    }

    /** Renders the apps as PM2 ecosystem JSON, env values as they are. */
    public static String toJson(List<Pm2App> apps) {
        return toJson(apps, (key, value) -> value);
    }

    /**
     * Renders the apps as PM2 ecosystem JSON with every env value passed through
     * {@code envValueMasker}, so the CLI can print the file with secrets masked.
     *
     * @param apps           the definitions, in PM2 start order
     * @param envValueMasker gets each env key and value, returns the value to print
     * @return pretty-printed JSON
     */
    public static String toJson(List<Pm2App> apps, BiFunction<String, String, String> envValueMasker) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("apps");
        for (Pm2App app : apps) {
            array.add(appNode(app, envValueMasker));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a JSON tree Jackson built itself", e);
        }
    }

    /**
     * Writes the ecosystem file PM2 will read, readable by the owner only (0600) from the moment it
     * exists, because env may hold secrets. The caller deletes it after use.
     *
     * @param dir  an existing directory
     * @param apps the definitions
     * @return the new file; its name ends in {@code .json}, which PM2 uses to pick the parser
     */
    public static Path writeSecure(Path dir, List<Pm2App> apps) {
        try {
            Path file = Files.createTempFile(dir, "titan-ecosystem-", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, toJson(apps), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PM2 ecosystem file in " + dir, e);
        }
    }

    private static ObjectNode appNode(Pm2App app, BiFunction<String, String, String> masker) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", app.name());
        node.put("script", app.script().toString());
        node.put("cwd", app.cwd().toString());
        ArrayNode args = node.putArray("args");
        app.args().forEach(args::add);
        node.put("exec_mode", app.clusterMode() ? "cluster" : "fork");
        node.put("instances", app.instances());
        node.put("autorestart", app.autorestart());
        node.put("max_restarts", app.maxRestarts());
        node.put("min_uptime", app.minUptime().toMillis());
        node.put("restart_delay", app.restartDelay().toMillis());
        node.put("kill_timeout", app.killTimeout().toMillis());
        if (app.waitReady()) {
            node.put("wait_ready", true);
        }
        if (app.maxMemoryRestart() != null) {
            node.put("max_memory_restart", app.maxMemoryRestart());
        }
        // One log file per app, not one per cluster instance.
        node.put("merge_logs", true);
        node.put("time", true);
        node.put("log_date_format", LOG_DATE_FORMAT);
        ObjectNode env = node.putObject("env");
        app.env().forEach((key, value) -> env.put(key, masker.apply(key, value)));
        env.put(ENV_KEYS_MARKER, String.join(",", app.env().keySet()));
        return node;
    }
}
