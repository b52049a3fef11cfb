package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two machines that host the Titan services, simulated on this one for the tests that run
 * {@code examples/Jenkinsfile.multi-host} with {@code sh} for real: each host its own PM2_HOME (and
 * state dir under it) and its own loopback address, the services of examples/multi-host.yaml on
 * free ports, and the titan-deploy CLI that every agent has on its PATH ({@link RealAgent#installCli}).
 * In the harness every agent is this machine, so {@code node(label)} just runs its body.
 *
 * <pre>
 *   office      (agent titan-office, 127.0.0.2): titan-shared <- titan-brain <- titan-console
 *                                                                   ^
 *   exchange-gw (agent titan-gw,     127.0.0.3):                    +-- titan-execution <- titan-phase1-scavenger
 * </pre>
 */
final class RealHosts implements AutoCloseable {

    /** A service: its host and its dependencies. */
    record Service(String name, String host, List<String> dependsOn) {
    }

    static final List<Service> SERVICES = List.of(new Service("titan-shared", "office", List.of()),
            new Service("titan-brain", "office", List.of("titan-shared")),
            new Service("titan-execution", "exchange-gw", List.of("titan-brain")),
            new Service("titan-console", "office", List.of("titan-brain")),
            new Service("titan-phase1-scavenger", "exchange-gw", List.of("titan-execution")));
    static final Map<String, String> ADDRESSES = Map.of("office", "127.0.0.2", "exchange-gw", "127.0.0.3");
    static final Map<String, String> AGENTS = Map.of("office", "titan-office", "exchange-gw", "titan-gw");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final Path root;
    final Path tools;
    final Map<String, Integer> ports = new LinkedHashMap<>();

    RealHosts() throws IOException {
        root = Files.createTempDirectory("titan-hosts-");
        tools = RealAgent.installCli(Files.createTempDirectory("titan-hosts-bin-"));
        for (Service s : SERVICES) {
            ports.put(s.name(), Sandbox.freePort());
        }
    }

    /** The agents' PATH: the CLI first. */
    String path() {
        return tools + ":" + System.getenv("PATH");
    }

    Path pm2Home(String host) {
        return root.resolve("pm2-" + host);
    }

    /**
     * Writes {@code release} into {@code workspace} as the services repository has it: the stand-in's code
     * in services/ and the topology at {@code topology}, with {@code release.broken} crashing at start.
     */
    void checkout(Path workspace, String topology, RealAgent.Release release) throws IOException {
        Path code = workspace.resolve("services/service.js");
        Files.createDirectories(code.getParent());
        Files.copy(PipelineTestBase.PROJECT.resolve("stand-in/service.js"), code, StandardCopyOption.REPLACE_EXISTING);
        StringBuilder yaml = new StringBuilder("hosts:\n");
        for (String host : List.of("office", "exchange-gw")) {
            yaml.append("  ").append(host).append(":\n")
                    .append("    agent: ").append(AGENTS.get(host)).append('\n')
                    .append("    address: ").append(ADDRESSES.get(host)).append('\n')
                    .append("    pm2: {home: ").append(pm2Home(host)).append(", bin: ")
                    .append(PipelineTestBase.PROJECT.resolve("node_modules/.bin/pm2"))
                    .append(", logRotation: {enabled: false}}\n");
        }
        yaml.append("defaults: {startupTimeout: 8s, healthTimeout: 1s, soak: 200ms}\nservices:\n");
        for (Service s : SERVICES) {
            yaml.append("  ").append(s.name()).append(":\n")
                    .append("    host: ").append(s.host()).append('\n')
                    .append("    script: ../services/service.js\n")
                    .append("    port: ").append(ports.get(s.name())).append('\n')
                    .append("    health: {http: /health}\n")
                    .append("    dependsOn: ").append(s.dependsOn()).append('\n');
            if (release.startupTimeouts.containsKey(s.name())) {
                yaml.append("    startupTimeout: ").append(release.startupTimeouts.get(s.name())).append('\n');
            }
            // No HOST: the engine gives each service of a host with an address that address as HOST.
            yaml.append("    env:\n")
                    .append("      SERVICE_NAME: ").append(s.name()).append('\n')
                    .append("      SERVICE_VERSION: \"").append(release.number).append("\"\n");
            release.env.getOrDefault(s.name(), Map.of())
                    .forEach((k, v) -> yaml.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        }
        Path file = workspace.resolve(topology);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml.toString());
    }

    /** What every service answers on GET /version at its host's address, by service (null: nothing answers). */
    Map<String, String> versions() {
        Map<String, String> versions = new LinkedHashMap<>();
        for (Service s : SERVICES) {
            versions.put(s.name(), version(ADDRESSES.get(s.host()), ports.get(s.name())));
        }
        return versions;
    }

    /** Every service answering {@code version}. */
    static Map<String, String> all(String version) {
        Map<String, String> expected = new LinkedHashMap<>();
        SERVICES.forEach(s -> expected.put(s.name(), version));
        return expected;
    }

    /** Kills both hosts' PM2 daemons and their services, deletes their folders, and checks nothing answers. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            for (String host : ADDRESSES.keySet()) {
                if (Files.isDirectory(pm2Home(host))) {
                    ProcessBuilder kill = new ProcessBuilder(PipelineTestBase.PROJECT.resolve("node_modules/.bin/pm2")
                            .toString(), "kill").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    kill.environment().put("PM2_HOME", pm2Home(host).toString());
                    kill.start().waitFor(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            PipelineTestBase.delete(root);
            PipelineTestBase.delete(tools);
        }
        assertThat(versions()).as("nothing answers after pm2 kill").containsOnlyKeys(ports.keySet())
                .allSatisfy((service, version) -> assertThat(version).isNull());
    }

    private static String version(String address, int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + port
                    + "/version")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body().replaceAll(".*\"version\":\"([^\"]*)\".*", "$1") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
