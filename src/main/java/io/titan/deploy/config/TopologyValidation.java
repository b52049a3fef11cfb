package io.titan.deploy.config;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.RawTopology.RawDefaults;
import io.titan.deploy.config.RawTopology.RawExchange;
import io.titan.deploy.config.RawTopology.RawHealth;
import io.titan.deploy.config.RawTopology.RawLogRotation;
import io.titan.deploy.config.RawTopology.RawService;
import io.titan.deploy.config.RawTopology.RawTimeouts;
import io.titan.deploy.config.RawTopology.RawValidation;
import io.titan.deploy.graph.DependencyGraph;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One validation pass over a raw topology: every field checked, paths resolved, defaults applied.
 * Each problem is a {@link ConfigException} naming the file and the field.
 */
final class TopologyValidation {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Duration DEFAULT_STARTUP = Duration.ofSeconds(30);
    private static final Duration DEFAULT_HEALTH = Duration.ofSeconds(5);
    private static final Duration DEFAULT_SOAK = Duration.ofSeconds(2);
    private static final String DEFAULT_MEMORY = "300M";
    private static final String DEFAULT_HOST = "127.0.0.1";

    private final String source;
    private final Path file;
    private final Path baseDir;

    TopologyValidation(String source, Path file, Path baseDir) {
        this.source = source;
        this.file = file;
        this.baseDir = baseDir;
    }

    Topology topology(RawTopology raw) {
        if (raw.services() == null || raw.services().isEmpty()) {
            throw fail("services", "at least one service is required");
        }
        RawDefaults defaults = raw.defaults() == null
                ? new RawDefaults() : raw.defaults();
        Map<String, ServiceSpec> services = new TreeMap<>();
        Map<Integer, String> ports = new HashMap<>();
        for (Map.Entry<String, RawService> entry : raw.services().entrySet()) {
            ServiceSpec spec = service(entry.getKey(), entry.getValue(), defaults);
            if (spec.port() != null) {
                String other = ports.putIfAbsent(spec.port(), spec.name());
                if (other != null) {
                    throw fail("services." + spec.name() + ".port",
                            spec.port() + " is already the port of " + other);
                }
            }
            services.put(spec.name(), spec);
        }
        DependencyGraph graph;
        try {
            graph = DependencyGraph.of(services.values().stream()
                    .collect(Collectors.toMap(ServiceSpec::name, ServiceSpec::dependsOn)));
        } catch (TitanException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        return new Topology(source, file, services, pm2(raw.pm2()),
                raw.stateDir() == null ? null : resolve(raw.stateDir()),
                validation(raw.validation()), graph);
    }

    private ServiceSpec service(String name, RawService raw, RawDefaults defaults) {
        String field = "services." + name;
        if (!NAME.matcher(name).matches()) {
            throw fail(field, "'" + name + "' is not a valid service name (expected [a-z0-9][a-z0-9._-]*)");
        }
        if (raw == null) {
            throw fail(field, "expected a mapping with at least 'script'");
        }
        if (raw.script() == null || raw.script().isBlank()) {
            throw fail(field + ".script", "is required");
        }
        // As PM2 does: without a cwd the service runs in its script's folder (and the script
        // path is relative to this file); with one, the script is relative to the cwd.
        Path cwd = raw.cwd() == null ? null : resolve(raw.cwd());
        if (cwd != null && !Files.isDirectory(cwd)) {
            throw fail(field + ".cwd", cwd + " is not a directory");
        }
        Path script = (cwd == null ? baseDir : cwd).resolve(raw.script()).normalize();
        if (!Files.isRegularFile(script)) {
            throw fail(field + ".script", script + " does not exist");
        }
        if (cwd == null) {
            cwd = script.getParent();
        }
        Integer port = raw.port();
        if (port != null && (port < 1 || port > 65535)) {
            throw fail(field + ".port", port + " is out of range 1..65535");
        }
        List<RawTopology.RawDependency> entries = raw.dependsOn() == null ? List.of() : raw.dependsOn();
        List<String> dependsOn = new ArrayList<>();
        Set<String> restartWith = new TreeSet<>();
        for (int i = 0; i < entries.size(); i++) {
            RawTopology.RawDependency entry = entries.get(i);
            String dependency = entry == null ? null : entry.service;
            if (dependency == null || dependency.isBlank()) {
                throw fail(field + ".dependsOn[" + i + "]", "is empty (expected a service name or {service: name, restartWith: true})");
            }
            if (dependency.equals(name)) {
                throw fail(field + ".dependsOn", "a service cannot depend on itself");
            }
            dependsOn.add(dependency);
            if (Boolean.TRUE.equals(entry.restartWith)) {
                restartWith.add(dependency);
            }
        }
        if (new TreeSet<>(dependsOn).size() != dependsOn.size()) {
            throw fail(field + ".dependsOn", "lists a service twice");
        }
        int instances = firstNonNull(raw.instances(), defaults.instances(), 1);
        if (instances < 1) {
            throw fail(field + ".instances", instances + " must be at least 1");
        }
        Map<String, EnvValue> env = new TreeMap<>();
        env.putAll(env(field + ".env", defaults.env()));
        env.putAll(env(field + ".env", raw.env()));
        if (port != null) {
            env.putIfAbsent("PORT", EnvValue.of(port.toString()));
        }
        return new ServiceSpec(
                name, script, cwd,
                raw.args() == null ? List.of() : raw.args(),
                port,
                dependsOn.stream().sorted().toList(),
                restartWith,
                parse(field + ".memory", firstNonNull(raw.memory(), defaults.memory(), DEFAULT_MEMORY), ByteSize::parse),
                instances,
                env,
                health(field + ".health", raw.health(), port),
                duration(field + ".startupTimeout", firstNonNull(raw.startupTimeout(), defaults.startupTimeout(), null), DEFAULT_STARTUP),
                duration(field + ".healthTimeout", firstNonNull(raw.healthTimeout(), defaults.healthTimeout(), null), DEFAULT_HEALTH),
                duration(field + ".soak", firstNonNull(raw.soak(), defaults.soak(), null), DEFAULT_SOAK),
                code(field + ".code", cwd, raw.code),
                ignore(field + ".ignore", raw.ignore));
    }

    /** The working directory, then each extra code path (relative to this file's folder), all existing. */
    private List<Path> code(String field, Path cwd, List<String> extra) {
        List<Path> code = new ArrayList<>(List.of(cwd));
        List<String> paths = extra == null ? List.of() : extra;
        for (int i = 0; i < paths.size(); i++) {
            String text = paths.get(i);
            if (text == null || text.isBlank()) {
                throw fail(field + "[" + i + "]", "is empty (expected a folder or file with code of this service)");
            }
            Path path = resolve(text);
            if (!Files.exists(path)) {
                throw fail(field + "[" + i + "]", path + " does not exist");
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
                throw fail(field + "[" + i + "]", "is empty (expected a glob such as docs/** or *.md)");
            }
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            } catch (IllegalArgumentException e) {
                throw fail(field + "[" + i + "]", "'" + pattern + "' is not a glob pattern: " + e.getMessage());
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
                throw fail(field, "'" + e.getKey() + "' is not a valid environment variable name");
            }
            String value = e.getValue() == null ? "" : e.getValue();
            env.put(e.getKey(), parse(field + "." + e.getKey(), value, EnvValue::of));
        }
        return env;
    }

    private HealthSpec health(String field, RawHealth raw, Integer port) {
        if (raw == null) {
            return null;
        }
        boolean tcp = Boolean.TRUE.equals(raw.tcp());
        if ((raw.http() == null) == !tcp) {
            throw fail(field, "expected exactly one of {http: /path} or {tcp: true}");
        }
        if (port == null) {
            throw fail(field, "needs the service's 'port'");
        }
        String host = raw.host() == null ? DEFAULT_HOST : raw.host();
        if (tcp) {
            return new HealthSpec.Tcp(host);
        }
        if (!raw.http().startsWith("/")) {
            throw fail(field + ".http", "'" + raw.http() + "' must be a path starting with /");
        }
        return new HealthSpec.Http(host, raw.http());
    }

    private Pm2Settings pm2(RawTopology.RawPm2 raw) {
        if (raw == null) {
            return new Pm2Settings(null, null, LogRotation.defaults());
        }
        LogRotation rotation = LogRotation.defaults();
        RawLogRotation lr = raw.logRotation();
        if (lr != null) {
            int retain = firstNonNull(lr.retainDays(), rotation.retainDays(), 30);
            if (retain < 1) {
                throw fail("pm2.logRotation.retainDays", retain + " must be at least 1");
            }
            rotation = new LogRotation(
                    firstNonNull(lr.enabled(), true, true),
                    lr.maxSize() == null ? rotation.maxSize() : parse("pm2.logRotation.maxSize", lr.maxSize(), ByteSize::parse),
                    retain,
                    firstNonNull(lr.compress(), true, true));
        }
        return new Pm2Settings(
                raw.home() == null ? null : resolve(raw.home()),
                raw.bin() == null ? null : resolve(raw.bin()),
                rotation);
    }

    private ValidationSettings validation(RawValidation raw) {
        if (raw == null) {
            return null;
        }
        ValidationSettings.Redis redis = null;
        if (raw.redis() != null) {
            URI url = redisUrl(raw.redis().url());
            String channel = raw.redis().channel() == null ? "titan:deploy:validation" : raw.redis().channel();
            redis = new ValidationSettings.Redis(url, channel, Boolean.TRUE.equals(raw.redis().setGetDel()));
        }
        List<ValidationSettings.Exchange> exchanges = new ArrayList<>();
        List<RawExchange> rawExchanges = raw.exchanges() == null ? List.of() : raw.exchanges();
        for (int i = 0; i < rawExchanges.size(); i++) {
            exchanges.add(exchange("validation.exchanges[" + i + "]", rawExchanges.get(i)));
        }
        long distinct = exchanges.stream().map(ValidationSettings.Exchange::name).distinct().count();
        if (distinct != exchanges.size()) {
            throw fail("validation.exchanges", "names an exchange twice");
        }
        return new ValidationSettings(redis, exchanges, timeouts(raw.timeouts()));
    }

    private URI redisUrl(String text) {
        String field = "validation.redis.url";
        if (text == null) {
            throw fail(field, "is required");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw fail(field, "is not a URL (expected redis://[user:password@]host:port[/db])");
        }
        if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme()) || url.getHost() == null) {
            throw fail(field, Secrets.maskUri(url) + " is not a redis:// or rediss:// URL with a host");
        }
        return url;
    }

    private ValidationSettings.Exchange exchange(String field, RawExchange raw) {
        if (raw == null || raw.name() == null || raw.name().isBlank()) {
            throw fail(field + ".name", "is required");
        }
        if (raw.url() == null || !raw.url().matches("wss?://.+")) {
            throw fail(field + ".url", "expected a ws:// or wss:// URL, was " + raw.url());
        }
        return new ValidationSettings.Exchange(raw.name(), raw.url(), raw.subscribe(), raw.expect(),
                raw.required() == null || raw.required());
    }

    private ValidationSettings.Timeouts timeouts(RawTimeouts raw) {
        ValidationSettings.Timeouts d = ValidationSettings.Timeouts.defaults();
        if (raw == null) {
            return d;
        }
        String f = "validation.timeouts.";
        return new ValidationSettings.Timeouts(
                duration(f + "service", raw.service(), d.service()),
                duration(f + "redis", raw.redis(), d.redis()),
                duration(f + "websocket", raw.websocket(), d.websocket()),
                duration(f + "overall", raw.overall(), d.overall()),
                duration(f + "quick", raw.quick(), d.quick()));
    }

    private Duration duration(String field, String text, Duration fallback) {
        return text == null ? fallback : parse(field, text, DurationText::parse);
    }

    private <T> T parse(String field, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    private Path resolve(String path) {
        return baseDir.resolve(path).normalize();
    }

    private ConfigException fail(String field, String problem) {
        return ConfigException.at(source, field, problem);
    }

    private static <T> T firstNonNull(T first, T second, T third) {
        return first != null ? first : second != null ? second : third;
    }
}
