package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a Jenkins agent that hosts the Titan services has, for the tests that run the steps with
 * {@code sh} for real: the titan-deploy CLI on the PATH (this build's classes: tests run before
 * {@code mvn package}), a PM2_HOME of its own for the target, and four stand-in services on free
 * ports whose topology each test release writes into the workspace.
 *
 * <pre>
 *   titan-shared (L0)
 *        |
 *   titan-brain (L1) ----------+
 *        |                     |
 *   titan-execution (L2)   titan-console (L2)
 * </pre>
 */
final class RealAgent implements AutoCloseable {

    static final List<String> SERVICES = List.of("titan-shared", "titan-brain", "titan-execution", "titan-console");
    private static final Map<String, String> DEPENDS_ON = Map.of("titan-shared", "[]", "titan-brain", "[titan-shared]",
            "titan-execution", "[titan-brain]", "titan-console", "[titan-brain]");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final Path pm2Home;
    final Path tools;
    final Map<String, Integer> ports = new LinkedHashMap<>();

    RealAgent() throws IOException {
        pm2Home = Files.createTempDirectory("titan-agent-pm2-");
        tools = installCli(Files.createTempDirectory("titan-agent-bin-"));
        for (String service : SERVICES) {
            ports.put(service, io.titan.deploy.testing.Sandbox.freePort());
        }
    }

    /**
     * Puts {@code titan-deploy} into {@code tools}, as an agent has it: {@code bin/titan-deploy} (the
     * packaged jar with its class-data archive, what docs/jenkins.md installs) when {@code mvn package}
     * made the jar from these classes, which it has under {@code mvn verify}; else a launcher of this
     * build's classes. Returns {@code tools}.
     */
    static Path installCli(Path tools) throws IOException {
        Path launcher = tools.resolve("titan-deploy");
        if (packagedJarIsCurrent()) {
            Files.createSymbolicLink(launcher, PipelineTestBase.PROJECT.resolve("bin/titan-deploy"));
            return tools;
        }
        Files.writeString(launcher, "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
                + System.getProperty("java.class.path") + "' io.titan.deploy.cli.TitanDeployCli \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tools;
    }

    /** Whether target/titan-deploy.jar is newer than every compiled class of the engine. */
    private static boolean packagedJarIsCurrent() throws IOException {
        Path target = PipelineTestBase.PROJECT.resolve("target");
        Path jar = target.resolve("titan-deploy.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(target.resolve("classes"))) {
            return false;
        }
        long built = Files.getLastModifiedTime(jar).toMillis();
        try (var classes = Files.walk(target.resolve("classes"))) {
            return classes.filter(Files::isRegularFile).allMatch(f -> f.toFile().lastModified() <= built);
        }
    }

    /** The agent's PATH: the CLI first. */
    String path() {
        return tools + ":" + System.getenv("PATH");
    }

    /** A release of the services to write into the workspace. */
    static final class Release {
        final int number;
        final Map<String, Map<String, String>> env = new LinkedHashMap<>();
        final Map<String, String> startupTimeouts = new LinkedHashMap<>();
        String validation = "";

        Release(int number) {
            this.number = number;
        }

        /** {@code service} never becomes healthy in this release (its /health answers 503). */
        Release unhealthy(String service) {
            env(service, "UNHEALTHY", "1");
            startupTimeouts.put(service, "3s");
            return this;
        }

        /** {@code service} exits at once in this release, every time PM2 starts it. */
        Release crashing(String service) {
            env(service, "CRASH_ON_START", "1");
            startupTimeouts.put(service, "3s");
            return this;
        }

        /** {@code services} wait {@code millis} before they listen. */
        Release slow(long millis, String... services) {
            for (String service : services) {
                env(service, "START_DELAY_MS", Long.toString(millis));
            }
            return this;
        }

        Release validation(String yaml) {
            validation = yaml;
            return this;
        }

        private void env(String service, String name, String value) {
            env.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(name, value);
        }
    }

    /**
     * Writes {@code release} as the services repository has it into {@code workspace}: the stand-in's
     * code in services/ and the topology in deploy/titan.yaml.
     */
    void checkout(Path workspace, Release release) throws IOException {
        Path code = workspace.resolve("services/service.js");
        Files.createDirectories(code.getParent());
        Files.copy(PipelineTestBase.PROJECT.resolve("stand-in/service.js"), code, StandardCopyOption.REPLACE_EXISTING);
        StringBuilder yaml = new StringBuilder()
                .append("pm2:\n  home: ").append(pm2Home).append('\n')
                .append("  bin: ").append(PipelineTestBase.PROJECT.resolve("node_modules/.bin/pm2")).append('\n')
                .append("  logRotation: {enabled: false}\n")
                // A short soak: a service's stage lasts its start, health gate and soak; its report's time, the first two.
                .append("defaults:\n  startupTimeout: 8s\n  healthTimeout: 1s\n  soak: 50ms\n")
                .append(release.validation)
                .append("services:\n");
        for (String service : SERVICES) {
            yaml.append("  ").append(service).append(":\n")
                    .append("    script: ").append(code).append('\n')
                    .append("    port: ").append(ports.get(service)).append('\n')
                    .append("    memory: 200M\n")
                    .append("    health: {http: /health}\n")
                    .append("    dependsOn: ").append(DEPENDS_ON.get(service)).append('\n');
            if (release.startupTimeouts.containsKey(service)) {
                yaml.append("    startupTimeout: ").append(release.startupTimeouts.get(service)).append('\n');
            }
            yaml.append("    env:\n      SERVICE_NAME: ").append(service).append('\n')
                    .append("      SERVICE_VERSION: \"").append(release.number).append("\"\n");
            release.env.getOrDefault(service, Map.of())
                    .forEach((k, v) -> yaml.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        }
        Path topology = workspace.resolve("deploy/titan.yaml");
        Files.createDirectories(topology.getParent());
        Files.writeString(topology, yaml.toString());
    }

    /** What every service answers on GET /version, by service (null: nothing answers). */
    Map<String, String> versions() {
        Map<String, String> versions = new LinkedHashMap<>();
        ports.forEach((service, port) -> versions.put(service, version(port)));
        return versions;
    }

    /** Every service answering {@code version}. */
    Map<String, String> all(String version) {
        Map<String, String> expected = new LinkedHashMap<>();
        SERVICES.forEach(s -> expected.put(s, version));
        return expected;
    }

    /** {@code pm2 jlist} of the target, for names only: it holds environments, so it is never printed. */
    String pm2Apps() throws IOException, InterruptedException {
        ProcessBuilder jlist = new ProcessBuilder(PipelineTestBase.PROJECT.resolve("node_modules/.bin/pm2").toString(),
                "jlist").redirectError(ProcessBuilder.Redirect.DISCARD);
        jlist.environment().put("PM2_HOME", pm2Home.toString());
        Process p = jlist.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** Kills the target's PM2 daemon and its services, deletes its folders, and checks nothing answers. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            ProcessBuilder kill = new ProcessBuilder(PipelineTestBase.PROJECT.resolve("node_modules/.bin/pm2").toString(),
                    "kill").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            kill.environment().put("PM2_HOME", pm2Home.toString());
            kill.start().waitFor(30, TimeUnit.SECONDS);
        } finally {
            PipelineTestBase.delete(pm2Home);
            PipelineTestBase.delete(tools);
        }
        for (int port : ports.values()) {
            assertThat(version(port)).as("nothing answers on %s after pm2 kill", port).isNull();
        }
    }

    /** The version a service reports on GET /version, or null when nothing answers. */
    static String version(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body().replaceAll(".*\"version\":\"([^\"]*)\".*", "$1") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
