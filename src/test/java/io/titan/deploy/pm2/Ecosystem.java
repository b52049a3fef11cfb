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

/**
 * Renders {@link Pm2App} definitions as the ecosystem JSON {@code pm2 start} reads
 * ({@code {"apps":[...]}}): test support, for the tests and benchmarks that start the engine's own
 * definitions with the pm2 CLI ({@code AppConfigGoldenTest} holds what the engine sends against it).
 * What a deploy sends the daemon is {@link AppConfig}'s, and {@code titan-deploy ecosystem} prints that.
 *
 * <p>PM2 7.0.4 reads a {@code .json} ecosystem by evaluating it as JavaScript
 * ({@code vm.runInThisContext("(" + text + ")")}), so the file must come from a real JSON writer,
 * never from string concatenation. Each app's env also carries {@value #ENV_KEYS_MARKER}, as the
 * engine sends it, so that the engine reads an app started from this file as its own.
 */
public final class Ecosystem {

    /** See {@link AppConfig#ENV_KEYS_MARKER}. */
    public static final String ENV_KEYS_MARKER = AppConfig.ENV_KEYS_MARKER;
    /** See {@link AppConfig#LOG_DATE_FORMAT}. */
    public static final String LOG_DATE_FORMAT = AppConfig.LOG_DATE_FORMAT;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Ecosystem() {
    }

    /** Renders the apps as PM2 ecosystem JSON, pretty-printed. */
    public static String toJson(List<Pm2App> apps) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("apps");
        for (Pm2App app : apps) {
            array.add(appNode(app));
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

    private static ObjectNode appNode(Pm2App app) {
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
        app.env().forEach(env::put);
        env.put(ENV_KEYS_MARKER, String.join(",", app.env().keySet()));
        return node;
    }
}
