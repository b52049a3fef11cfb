package io.titan.deploy.config;

import io.titan.deploy.config.RawTopology.RawDefaults;
import io.titan.deploy.config.RawTopology.RawHealth;
import io.titan.deploy.config.RawTopology.RawService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The validation of one service of a topology: its fields checked, its paths resolved, its host found. */
final class ServiceValidation {

    private final TopologyValidation v;

    ServiceValidation(TopologyValidation topology) {
        this.v = topology;
    }

    ServiceSpec service(String name, RawService raw, RawDefaults defaults, Map<String, HostSpec> hosts) {
        String field = "services." + name;
        if (!TopologyValidation.NAME.matcher(name).matches()) {
            throw v.fail(field, "'" + name + "' is not a valid service name: " + TopologyValidation.NAME_RULE
                    + " (e.g. titan-brain)");
        }
        if (raw == null) {
            throw v.fail(field, "expected a mapping with at least 'script'");
        }
        if (raw.script() == null || raw.script().isBlank()) {
            throw v.fail(field + ".script", "is required");
        }
        // As PM2 does: without a cwd the service runs in its script's folder (and the script
        // path is relative to this file); with one, the script is relative to the cwd.
        Path cwd = raw.cwd() == null ? null : v.resolve(raw.cwd());
        if (cwd != null && !Files.isDirectory(cwd)) {
            throw v.fail(field + ".cwd", cwd + " is not a directory");
        }
        Path script = (cwd == null ? v.baseDir() : cwd).resolve(raw.script()).normalize();
        if (!Files.isRegularFile(script)) {
            throw v.fail(field + ".script", script + " does not exist");
        }
        if (cwd == null) {
            cwd = script.getParent();
        }
        HostSpec host = host(field + ".host", raw.host, hosts);
        Integer port = raw.port();
        if (port != null && (port < 1 || port > 65535)) {
            throw v.fail(field + ".port", port + " is out of range 1..65535");
        }
        List<RawTopology.RawDependency> entries = raw.dependsOn() == null ? List.of() : raw.dependsOn();
        List<String> dependsOn = new ArrayList<>();
        Set<String> restartWith = new TreeSet<>();
        for (int i = 0; i < entries.size(); i++) {
            RawTopology.RawDependency entry = entries.get(i);
            String dependency = entry == null ? null : entry.service;
            if (dependency == null || dependency.isBlank()) {
                throw v.fail(field + ".dependsOn[" + i + "]", "is empty (expected a service name or {service: name, restartWith: true})");
            }
            if (dependency.equals(name)) {
                throw v.fail(field + ".dependsOn", "a service cannot depend on itself");
            }
            dependsOn.add(dependency);
            if (Boolean.TRUE.equals(entry.restartWith)) {
                restartWith.add(dependency);
            }
        }
        if (new TreeSet<>(dependsOn).size() != dependsOn.size()) {
            throw v.fail(field + ".dependsOn", "lists a service twice");
        }
        int instances = TopologyValidation.firstNonNull(raw.instances(), defaults.instances(), 1);
        if (instances < 1) {
            throw v.fail(field + ".instances", instances + " must be at least 1");
        }
        Map<String, EnvValue> env = new TreeMap<>();
        env.putAll(env(field + ".env", defaults.env()));
        env.putAll(env(field + ".env", raw.env()));
        if (port != null) {
            env.putIfAbsent("PORT", EnvValue.of(port.toString()));
        }
        if (host.agent() != null) {
            // A named host's services listen where its address says, which is where the health checks and
            // the other hosts reach them; a service's own HOST (or the defaults') wins.
            env.putIfAbsent("HOST", EnvValue.of(host.address()));
        }
        HealthSpec health = health(field + ".health", raw.health(), port, host.address());
        Replacement replacement = replacement(field, raw, defaults, instances, script, health);
        return new ServiceSpec(
                name, script, cwd,
                raw.args() == null ? List.of() : raw.args(),
                port,
                dependsOn.stream().sorted().toList(),
                restartWith,
                v.parse(field + ".memory", TopologyValidation.firstNonNull(raw.memory(), defaults.memory(), TopologyValidation.DEFAULT_MEMORY), ByteSize::parse),
                instances,
                env,
                health,
                v.duration(field + ".startupTimeout", TopologyValidation.firstNonNull(raw.startupTimeout(), defaults.startupTimeout(), null), TopologyValidation.DEFAULT_STARTUP),
                v.duration(field + ".healthTimeout", TopologyValidation.firstNonNull(raw.healthTimeout(), defaults.healthTimeout(), null), TopologyValidation.DEFAULT_HEALTH),
                v.duration(field + ".soak", TopologyValidation.firstNonNull(raw.soak(), defaults.soak(), null), TopologyValidation.DEFAULT_SOAK),
                code(field + ".code", cwd, raw.code),
                ignore(field + ".ignore", raw.ignore),
                host.name(),
                logLines(raw.logLines != null ? field + ".logLines" : "defaults.logLines",
                        TopologyValidation.firstNonNull(raw.logLines, defaults.logLines, TopologyValidation.DEFAULT_LOG_LINES)),
                replacement);
    }

    /** How many output lines a failure shows: bounded, since each may be 1,000 characters in every report. */
    private int logLines(String field, int lines) {
        if (lines < 0 || lines > TopologyValidation.MAX_LOG_LINES) {
            throw v.fail(field, lines + " is out of range 0.." + TopologyValidation.MAX_LOG_LINES
                    + " (how many of a failed service's last output lines to show; 0 shows none)");
        }
        return lines;
    }

    /**
     * Cluster mode, ready message, kill timeout and bound on downtime, each checked against what
     * it needs: cluster mode a script PM2 runs with Node, and a way to tell a new worker's answers
     * from the old workers' (the engine fails closed, so it refuses what it could not prove);
     * a bound on downtime a health check to measure it with.
     */
    private Replacement replacement(String field, RawService raw, RawDefaults defaults, int instances, Path script,
                                    HealthSpec health) {
        boolean cluster = TopologyValidation.firstNonNull(raw.cluster, defaults.cluster, false);
        boolean readyMessage = TopologyValidation.firstNonNull(raw.readyMessage, defaults.readyMessage, false);
        Duration killTimeout = v.duration(field + ".killTimeout",
                TopologyValidation.firstNonNull(raw.killTimeout, defaults.killTimeout, null), Replacement.DEFAULT_KILL_TIMEOUT);
        String maxText = TopologyValidation.firstNonNull(raw.maxDowntime, defaults.maxDowntime, null);
        Duration maxDowntime = maxText == null ? null : v.duration(field + ".maxDowntime", maxText, null);
        if (cluster || instances > 1) {
            String why = cluster && raw.cluster != null ? "cluster: true" : cluster ? "defaults.cluster: true"
                    : "instances: " + instances;
            String clusterField = field + (cluster ? ".cluster" : ".instances");
            Optional<String> runner = Scripts.notNode(script);
            if (runner.isPresent()) {
                throw v.fail(clusterField, why + " asks for PM2 cluster mode, which runs Node.js scripts only; "
                        + script.getFileName() + " runs with " + runner.get() + " (use instances: 1 without cluster)");
            }
            if (!readyMessage && !(health instanceof HealthSpec.Http)) {
                throw v.fail(clusterField, why + " asks for PM2 cluster mode, whose workers are replaced one by one,"
                        + " each proven before an old one stops; that needs health: {http: /path} answering with"
                        + " the worker's X-Titan-Pid header, or readyMessage: true (docs/zero-downtime.md)");
            }
        }
        if (maxDowntime != null && health == null) {
            throw v.fail(field + ".maxDowntime", "needs a health check (health: {http: /path} or {tcp: true}):"
                    + " without one a service's downtime is not measured");
        }
        return new Replacement(cluster, readyMessage, killTimeout, maxDowntime);
    }

    /** The service's host: the one named, or the only one there is. */
    private HostSpec host(String field, String name, Map<String, HostSpec> hosts) {
        if (name == null) {
            if (hosts.size() == 1) {
                return hosts.values().iterator().next();
            }
            throw v.fail(field, "is required: the topology has hosts " + String.join(", ", hosts.keySet()));
        }
        HostSpec host = hosts.get(name);
        if (host == null) {
            throw v.fail(field, hosts.containsKey(HostSpec.LOCAL) && hosts.size() == 1
                    ? "'" + name + "' is not a host: the topology has no hosts section"
                    : "'" + name + "' is not a host (hosts: " + String.join(", ", hosts.keySet()) + ")");
        }
        return host;
    }

    /** The working directory, then each extra code path (relative to this file's folder), all existing. */
    private List<Path> code(String field, Path cwd, List<String> extra) {
        List<Path> code = new ArrayList<>(List.of(cwd));
        List<String> paths = extra == null ? List.of() : extra;
        for (int i = 0; i < paths.size(); i++) {
            String text = paths.get(i);
            if (text == null || text.isBlank()) {
                throw v.fail(field + "[" + i + "]", "is empty (expected a folder or file with code of this service)");
            }
            Path path = v.resolve(text);
            if (!Files.exists(path)) {
                throw v.fail(field + "[" + i + "]", path + " does not exist");
            }
            if (!code.contains(path)) {
                code.add(path);
            }
        }
        return code;
    }

    /** Glob patterns, checked now so that a typo is an error here and not a silent miss later. */
    private List<String> ignore(String field, List<String> patterns) {
        List<String> ignore = patterns == null ? List.of() : patterns;
        for (int i = 0; i < ignore.size(); i++) {
            String pattern = ignore.get(i);
            if (pattern == null || pattern.isBlank()) {
                throw v.fail(field + "[" + i + "]", "is empty (expected a glob such as docs/** or *.md)");
            }
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            } catch (IllegalArgumentException e) {
                throw v.fail(field + "[" + i + "]", "'" + pattern + "' is not a glob pattern: " + e.getMessage());
            }
        }
        return ignore;
    }

    private Map<String, EnvValue> env(String field, Map<String, String> raw) {
        Map<String, EnvValue> env = new TreeMap<>();
        if (raw == null) {
            return env;
        }
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw v.fail(field, "'" + e.getKey() + "' is not a valid environment variable name");
            }
            String value = e.getValue() == null ? "" : e.getValue();
            env.put(e.getKey(), v.parse(field + "." + e.getKey(), value, EnvValue::of));
        }
        return env;
    }

    private HealthSpec health(String field, RawHealth raw, Integer port, String address) {
        if (raw == null) {
            return null;
        }
        boolean tcp = Boolean.TRUE.equals(raw.tcp());
        if ((raw.http() == null) == !tcp) {
            throw v.fail(field, "expected exactly one of {http: /path} or {tcp: true}");
        }
        if (port == null) {
            throw v.fail(field, "needs the service's 'port'");
        }
        String host = raw.host() == null ? address : raw.host();
        if (tcp) {
            return new HealthSpec.Tcp(host);
        }
        if (!raw.http().startsWith("/")) {
            throw v.fail(field + ".http", "'" + raw.http() + "' must be a path starting with /");
        }
        return new HealthSpec.Http(host, raw.http());
    }
}
