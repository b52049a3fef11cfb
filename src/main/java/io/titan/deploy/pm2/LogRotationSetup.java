package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.config.LogRotation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pm2-logrotate on one PM2_HOME: the only place the pm2 CLI still runs, because installing a
 * module runs npm. A target that has the module with the wanted settings costs one read of
 * {@code $PM2_HOME/module_conf.json} and no process at all.
 *
 * <p>The install runs {@code pm2 install pm2-logrotate@3.0.0}, which runs npm. It is given
 * {@code npm_config_prefer_offline=true}: {@code npm ci} of this project has put the module and its
 * dependencies into npm's cache, so the install takes ~2 s and needs the registry only for what the
 * cache lacks. Installing from the local {@code node_modules} copy instead would either symlink
 * PM2_HOME to the project checkout (a wiped Jenkins workspace breaks rotation) or skip the module's
 * dependencies.
 */
final class LogRotationSetup {

    /** The module. */
    static final String MODULE = "pm2-logrotate";
    /** The version pinned in package.json, installed where the module is missing. */
    static final String VERSION = "3.0.0";
    /** Daily at midnight: the files pm2-logrotate's {@code retain} counts are then days. */
    static final String ROTATE_INTERVAL = "0 0 * * *";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pm2Cli cli;
    private final Path pm2Home;
    private final Duration timeout;

    LogRotationSetup(Pm2Cli cli, Path pm2Home, Duration timeout) {
        this.cli = cli;
        this.pm2Home = pm2Home;
        this.timeout = timeout;
    }

    /** Installs pm2-logrotate where it is missing and sets the settings of {@code logRotation} that differ. */
    void apply(LogRotation logRotation) {
        if (!logRotateInstalled()) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String key : Pm2Cli.NETWORK_ENV) {
                String value = System.getenv(key);
                if (value != null) {
                    env.put(key, value);
                }
            }
            env.put("npm_config_prefer_offline", "true");
            cli.run(List.of("install", MODULE + "@" + VERSION), Pm2Manager.INSTALL_TIMEOUT, env,
                    List.of());
            if (!logRotateInstalled()) {
                throw new Pm2Exception("pm2 install " + MODULE + " reported success but "
                        + pm2Home.resolve("module_conf.json") + " does not list the module");
            }
        }
        Map<String, String> current = moduleConf();
        // Each `pm2 set` of a module key restarts the module, so only changed values are set.
        settings(logRotation).forEach((key, wanted) -> {
            if (!wanted.equals(current.get(key))) {
                cli.run(List.of("set", key, wanted), timeout, Map.of(), List.of());
            }
        });
    }

    /** The pm2-logrotate settings as {@code pm2 set} keys ({@code pm2-logrotate:max_size}) and values. */
    static Map<String, String> settings(LogRotation logRotation) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(MODULE + ":max_size", logRotation.maxSize().toPm2());
        settings.put(MODULE + ":retain", Integer.toString(logRotation.retainDays()));
        settings.put(MODULE + ":compress", Boolean.toString(logRotation.compress()));
        settings.put(MODULE + ":rotateInterval", ROTATE_INTERVAL);
        return settings;
    }

    private boolean logRotateInstalled() {
        JsonNode conf = readModuleConf();
        return conf.path("module-db-v2").has(MODULE)
                && Files.isDirectory(pm2Home.resolve("modules").resolve(MODULE));
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
}
