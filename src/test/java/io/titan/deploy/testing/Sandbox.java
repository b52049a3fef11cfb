package io.titan.deploy.testing;

import io.titan.deploy.config.Topology;
import io.titan.deploy.config.TopologyLoader;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeploymentOrchestrator;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.config.LogRotation;
import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ProcessControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deployment target of its own for one test: a temp folder with a PM2_HOME whose daemon is
 * killed on close, the stand-in service, and helpers to write topologies and call services.
 */
public final class Sandbox implements AutoCloseable {

    /** The project checkout (where package.json and stand-in/ are). */
    public static final Path PROJECT = Path.of(Optional.ofNullable(System.getenv("TITAN_PROJECT_DIR"))
            .orElse(System.getProperty("user.dir"))).toAbsolutePath();
    /** The stand-in Node service. */
    public static final Path STAND_IN = PROJECT.resolve("stand-in/service.js");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path dir;
    private final Path pm2Home;
    private final Pm2Manager pm2;
    private final List<DeploymentEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    public Sandbox() {
        try {
            this.dir = Files.createTempDirectory("titan-sandbox-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.pm2Home = dir.resolve("pm2");
        this.pm2 = new Pm2Manager(Pm2Binary.resolve(null), pm2Home, LogRotation.disabled());
    }

    public Path dir() {
        return dir;
    }

    public Path pm2Home() {
        return pm2Home;
    }

    public Pm2Manager pm2() {
        return pm2;
    }

    /** Every event of every deployment this sandbox ran, in order. */
    public List<DeploymentEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public List<String> log() {
        return List.copyOf(log);
    }

    public void clearEvents() {
        events.clear();
    }

    /** Writes {@code yaml} as {@code name} in the sandbox and loads it. */
    public Topology topology(String name, String yaml) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, yaml);
            return new TopologyLoader().load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes and loads a topology of one stand-in service, {@code api} on {@code port} with an HTTP
     * health check, as {@code file}.
     *
     * @param settings more of its fields, one YAML line each, e.g. {@code "instances: 2"}
     * @param env      its env as the inside of a YAML flow mapping, e.g. {@code SERVICE_VERSION: "2"}
     */
    public Topology api(String file, int port, String settings, String env) {
        return topology(file, """
                pm2: {home: %s, logRotation: {enabled: false}}
                defaults: {startupTimeout: 30s, healthTimeout: 1s, soak: 300ms}
                services:
                  api:
                    script: %s
                    port: %d
                    health: {http: /health}
                    env: {%s}
                %s""".formatted(pm2Home, STAND_IN, port, env, settings.lines().map(l -> "    " + l + "\n")
                .collect(java.util.stream.Collectors.joining())));
    }

    /** A copy of the stand-in in its own folder, as a release's code would be. */
    public Path standInCopy(String folder) {
        try {
            Path target = dir.resolve(folder);
            Files.createDirectories(target);
            Path script = target.resolve("service.js");
            Files.copy(STAND_IN, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The orchestrator for this sandbox's target. */
    public DeploymentOrchestrator orchestrator(Topology topology) {
        return orchestrator(topology, Map.of());
    }

    public DeploymentOrchestrator orchestrator(Topology topology, Map<String, String> environment) {
        EventBus bus = new EventBus().onAny(events::add);
        return new DeploymentOrchestrator(topology, pm2, pm2Home.resolve("titan"), bus,
                environment, Clock.systemUTC(), log::add);
    }

    public DeploymentResult deploy(Topology topology) {
        return orchestrator(topology).deploy(DeployOptions.defaults());
    }

    public DeploymentResult deploy(Topology topology, DeployOptions options) {
        return orchestrator(topology).deploy(options);
    }

    /** The processes PM2 lists for the app {@code name} (several in cluster mode). */
    public static List<Pm2Process> processes(ProcessControl pm2, String name) {
        return pm2.processes().stream().filter(p -> p.name().equals(name)).toList();
    }

    /** The body of GET http://127.0.0.1:port/path, or empty when nothing answers 200. */
    public static Optional<String> get(int port, String path) {
        return get("127.0.0.1", port, path);
    }

    /** The body of GET http://address:port/path (a simulated host's address), or empty when nothing answers 200. */
    public static Optional<String> get(String address, int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path))
                            .timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The ports this JVM hands out: a range of its own per test fork ({@code titan.test.fork}, set by
     * failsafe from its fork number), below Linux's ephemeral range (32768-60999), so neither another
     * fork nor the OS (for a client socket) takes a port between the moment it is handed out and the
     * moment a service listens on it.
     */
    private static final int PORTS_PER_FORK = 5000;
    private static final int FIRST_PORT = 15000 + PORTS_PER_FORK * Math.floorMod(forkNumber() - 1, 3);
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * This JVM's fork number from {@code titan.test.fork} ("fork-2"), 1 when the property is not set
     * (one JVM). Set without a number, the forks would share a range: that is an error, not a flaky run.
     */
    static int forkNumber() {
        String value = System.getProperty("titan.test.fork");
        if (value == null) {
            return 1;
        }
        String digits = value.replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            throw new IllegalStateException("titan.test.fork is '" + value + "': failsafe's fork number did not reach "
                    + "the tests, so the forks would hand out the same ports (see pom.xml)");
        }
        return Integer.parseInt(digits);
    }

    /**
     * A port nothing listens on right now, from this fork's range, not handed out before in this JVM
     * until the range has gone round once (two services of one topology given ports one after the
     * other must not get the same one).
     */
    public static int freePort() {
        for (int tried = 0; tried < PORTS_PER_FORK; tried++) {
            int port = FIRST_PORT + NEXT_PORT.getAndIncrement() % PORTS_PER_FORK;
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // Taken by something else on this machine: the next one.
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS_PER_FORK - 1));
    }

    /** Kills this target's PM2 daemon (and with it every stand-in it ran) and deletes the folder. */
    @Override
    public void close() {
        try {
            pm2.kill();
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp folder is harmless.
        }
    }
}
