package io.titan.deploy.config;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.RawTopology.RawDefaults;
import io.titan.deploy.config.RawTopology.RawExchange;
import io.titan.deploy.config.RawTopology.RawLogRotation;
import io.titan.deploy.config.RawTopology.RawService;
import io.titan.deploy.config.RawTopology.RawTimeouts;
import io.titan.deploy.config.RawTopology.RawValidation;
import io.titan.deploy.graph.DependencyGraph;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One validation pass over a raw topology: every field checked, paths resolved, defaults applied.
 * Each problem is a {@link ConfigException} naming the file and the field.
 */
final class TopologyValidation {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    static final Duration DEFAULT_STARTUP = Duration.ofSeconds(30);
    static final Duration DEFAULT_HEALTH = Duration.ofSeconds(5);
    static final Duration DEFAULT_SOAK = Duration.ofSeconds(2);
    static final String DEFAULT_MEMORY = "300M";
    static final int DEFAULT_LOG_LINES = ServiceSpec.DEFAULT_LOG_LINES;
    static final int MAX_LOG_LINES = 1000;
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
        Pm2Settings pm2 = pm2("pm2", raw.pm2());
        Path stateDir = raw.stateDir() == null ? null : resolve(raw.stateDir());
        Map<String, HostSpec> hosts = hosts(raw.hosts, pm2, stateDir);
        Map<String, ServiceSpec> services = new TreeMap<>();
        Map<String, String> ports = new HashMap<>();
        for (Map.Entry<String, RawService> entry : raw.services().entrySet()) {
            ServiceSpec spec = new ServiceValidation(this).service(entry.getKey(), entry.getValue(), defaults, hosts);
            if (spec.port() != null) {
                // A port is taken once per host: two hosts may well use the same one.
                String other = ports.putIfAbsent(spec.host() + ":" + spec.port(), spec.name());
                if (other != null) {
                    throw fail("services." + spec.name() + ".port",
                            spec.port() + " is already the port of " + other + " on host " + spec.host());
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
        for (ServiceSpec spec : services.values()) {
            for (String dependency : spec.dependsOn()) {
                ServiceSpec other = services.get(dependency);
                if (!other.host().equals(spec.host()) && other.health() == null) {
                    throw fail("services." + spec.name() + ".dependsOn", dependency + " runs on host " + other.host()
                            + " and has no health check, so " + spec.name() + " on host " + spec.host()
                            + " cannot tell it is up; give " + dependency + " one (health: {http: /path} or {tcp: true})");
                }
            }
        }
        return new Topology(source, file, services, pm2, stateDir, validation(raw.validation()), graph, hosts);
    }

    /** {@code hosts:}, each with an agent and an address; without it, the one implicit local host. */
    private Map<String, HostSpec> hosts(Map<String, RawTopology.RawHost> raw, Pm2Settings pm2, Path stateDir) {
        Map<String, HostSpec> hosts = new java.util.LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            hosts.put(HostSpec.LOCAL, HostSpec.local(pm2, stateDir, DEFAULT_HOST));
            return hosts;
        }
        for (Map.Entry<String, RawTopology.RawHost> entry : raw.entrySet()) {
            String field = "hosts." + entry.getKey();
            if (!NAME.matcher(entry.getKey()).matches()) {
                throw fail(field, "'" + entry.getKey() + "' is not a valid host name (expected [a-z0-9][a-z0-9._-]*)");
            }
            RawTopology.RawHost host = entry.getValue();
            if (host == null || host.agent == null || host.agent.isBlank()) {
                throw fail(field + ".agent", "is required: the label of the Jenkins agent on that machine");
            }
            if (host.address == null || !host.address.matches("[A-Za-z0-9][A-Za-z0-9.:-]*")) {
                throw fail(field + ".address", host.address == null
                        ? "is required: where other hosts reach its services (an IP address or host name)"
                        : "'" + host.address + "' is not an IP address or host name");
            }
            hosts.put(entry.getKey(), new HostSpec(entry.getKey(), host.agent.trim(), host.address,
                    host.pm2 == null ? pm2 : pm2(field + ".pm2", host.pm2),
                    host.stateDir == null ? null : resolve(host.stateDir)));
        }
        return hosts;
    }

    private Pm2Settings pm2(String field, RawTopology.RawPm2 raw) {
        if (raw == null) {
            return new Pm2Settings(null, null, LogRotation.defaults());
        }
        LogRotation rotation = LogRotation.defaults();
        RawLogRotation lr = raw.logRotation();
        if (lr != null) {
            int retain = firstNonNull(lr.retainDays(), rotation.retainDays(), 30);
            if (retain < 1) {
                throw fail(field + ".logRotation.retainDays", retain + " must be at least 1");
            }
            rotation = new LogRotation(
                    firstNonNull(lr.enabled(), true, true),
                    lr.maxSize() == null ? rotation.maxSize() : parse(field + ".logRotation.maxSize", lr.maxSize(), ByteSize::parse),
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

    Duration duration(String field, String text, Duration fallback) {
        return text == null ? fallback : parse(field, text, DurationText::parse);
    }

    <T> T parse(String field, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    /** The folder relative paths resolve against. */
    Path baseDir() {
        return baseDir;
    }

    Path resolve(String path) {
        return baseDir.resolve(path).normalize();
    }

    ConfigException fail(String field, String problem) {
        return ConfigException.at(source, field, problem);
    }

    static <T> T firstNonNull(T first, T second, T third) {
        return first != null ? first : second != null ? second : third;
    }
}
