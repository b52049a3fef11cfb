package io.titan.jenkins;

import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.RedisServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration;
import com.lesfurets.jenkins.unit.global.lib.LocalSource;
import java.io.IOException;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jenkinsfile.example end to end: the declarative pipeline loads the library with @Library, and its
 * {@code sh} runs for real here: the titan-deploy CLI (from this build's classes, found on the PATH),
 * a real PM2 under a temporary PM2_HOME, a real redis-server with a password that reaches the CLI
 * only through withCredentials, and stand-in services on free ports. Build #1 deploys release 1;
 * build #2 deploys release 2 whose titan-brain never becomes healthy, and must end with release 1
 * answering again.
 *
 * <pre>
 *   titan-shared (L0)
 *        |
 *   titan-brain (L1) ----------+
 *        |                     |
 *   titan-execution (L2)   titan-console (L2)
 * </pre>
 */
@Integration
class JenkinsfileExampleE2ETest extends PipelineTestBase {

    private static final String PASSWORD = "e2e-s3cret-" + System.nanoTime();
    private static final List<String> SERVICES = List.of("titan-shared", "titan-brain", "titan-execution",
            "titan-console");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private RedisServer redis;
    private Path pm2Home;
    private Path tools;
    private Path libraries;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private int release = 1;

    JenkinsfileExampleE2ETest() {
        super(false);
    }

    @BeforeEach
    void agent() throws Exception {
        Declarative.register(this);
        libraries = Files.createTempDirectory("titan-e2e-libs-");
        Files.createSymbolicLink(libraries.resolve("titan-deploy@main"), PROJECT);
        getHelper().registerSharedLibrary(LibraryConfiguration.library("titan-deploy").defaultVersion("main")
                .allowOverride(false).implicit(false).targetPath(libraries.toString())
                .retriever(LocalSource.localSource(libraries.toString())).build());

        redis = RedisServer.start(PASSWORD);
        pm2Home = Files.createTempDirectory("titan-e2e-pm2-");
        tools = Files.createTempDirectory("titan-e2e-bin-");
        // Tests run before `mvn package`: the agent's titan-deploy runs this build's classes.
        Path launcher = tools.resolve("titan-deploy");
        Files.writeString(launcher, "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
                + System.getProperty("java.class.path") + "' io.titan.deploy.cli.TitanDeployCli \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("PATH", tools + ":" + System.getenv("PATH"));
        for (String service : SERVICES) {
            ports.put(service, freePort());
        }
        sh = new RealSh(workspace, log);
        // checkout scm: the services repository at the commit of this build's release.
        register("checkout", List.of(Map.class), a -> {
            checkoutRelease();
            return null;
        });
        getBinding().setVariable("params", new LinkedHashMap<>(Map.of("TITAN_CONFIG", "deploy/titan.yaml")));
    }

    @Override
    protected String credential(String id) {
        assertThat(id).isEqualTo("titan-redis-password");
        return PASSWORD;
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            ProcessBuilder kill = new ProcessBuilder(PROJECT.resolve("node_modules/.bin/pm2").toString(), "kill")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            kill.environment().put("PM2_HOME", pm2Home.toString());
            kill.start().waitFor(30, TimeUnit.SECONDS);
        } finally {
            if (redis != null) {
                redis.close();
            }
            for (Path dir : new Path[] {pm2Home, tools, libraries}) {
                if (dir != null) {
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
        for (int port : ports.values()) {
            assertThat(version(port)).as("nothing answers on %s after pm2 kill", port).isNull();
        }
    }

    @Test
    void healthyReleaseThenBrokenReleaseRolledBackToTheFirst() throws Exception {
        // Build #1: release 1 deploys, validates, passes the gate and is released.
        runBuild();
        assertThat(buildResult()).as(logText()).isEqualTo("SUCCESS");
        assertStages("Checkout", "SUCCESS", "Build", "SUCCESS", "Deploy", "SUCCESS",
                "titan-shared", "SUCCESS", "titan-brain", "SUCCESS",
                "titan-execution", "SUCCESS", "titan-console", "SUCCESS",
                "validation", "SUCCESS", "Release", "SUCCESS");
        assertThat(calls("parallel")).singleElement().asString()
                .contains("titan-execution=groovy.lang.Closure", "titan-console=groovy.lang.Closure");
        for (String service : SERVICES) {
            assertThat(version(ports.get(service))).as(service).isEqualTo("1");
        }
        assertThat(String.valueOf(currentBuild.get("description"))).matches("release \\S+: 4 deployed");
        assertThat(logText()).contains("titanValidate: validation passed", "titan-console            online",
                "Released: release ");
        assertThat(calls("junit")).hasSize(4);
        assertThat(workspace.resolve("titan-reports/deploy.json")).exists();
        assertThat(workspace.resolve("titan-reports/validate-quick.json")).exists();
        assertThat(workspace.resolve("titan-reports/pm2-status-junit.xml")).exists();
        assertThat(shScripts).noneMatch(script -> script.contains(PASSWORD));

        // Build #2: release 2's titan-brain never becomes healthy.
        release = 2;
        runBuild();
        assertThat(buildResult()).as(logText()).isEqualTo("FAILURE");
        assertStages("Checkout", "SUCCESS", "Build", "SUCCESS", "Deploy", "FAILURE",
                "titan-shared", "UNSTABLE", "titan-brain", "FAILURE",
                "titan-execution", "NOT_BUILT", "titan-console", "NOT_BUILT",
                "rollback", "SUCCESS", "Release", "NOT_BUILT");
        assertThat(lastError).hasMessageStartingWith("titanDeploy: release ")
                .hasMessageContaining(": titan-brain failed: ")
                .hasMessageEndingWith("(rolled back to the previous release)");
        assertThat(String.valueOf(currentBuild.get("description")))
                .contains("FAILED at titan-brain", "2 skipped", "previous release restored");
        // The previous release is back: every service answers as release 1 again, and PM2 shows them online.
        for (String service : SERVICES) {
            assertThat(version(ports.get(service))).as(service).isEqualTo("1");
        }
        assertThat(logText()).contains("titan-brain              online");
        assertThat(calls("titanPm2Status")).hasSize(1);
        // The pages Jenkins shows: each with the stylesheet beside it; the release grid has both builds.
        Path reports = workspace.resolve("titan-reports");
        assertThat(reports.resolve("titan-report.css")).exists();
        assertThat(reports.resolve("pm2-status.html")).content().contains("topology services online");
        assertThat(reports.resolve("history.html")).content().contains("Latest release ").contains(": rolled back")
                .containsPattern("(?s)running now.*titan-brain.*failed");
        assertThat(calls("publishHTML")).extracting(c -> c.replaceAll(".*reportName=([^,]+),.*", "$1"))
                .containsExactly("Titan deploy", "Titan releases", "Titan PM2 status");
    }

    /**
     * The stages and their results, in this order, except that the two level-2 services (parallel
     * branches, in the engine's order) may come either way round.
     */
    private void assertStages(String... nameResult) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < nameResult.length; i += 2) {
            expected.put(nameResult[i], nameResult[i + 1]);
        }
        assertThat(stageResults).as(logText()).containsExactlyInAnyOrderEntriesOf(expected);
        List<String> started = List.copyOf(stageResults.keySet());
        List<String> order = List.copyOf(expected.keySet());
        for (int i = 0; i < order.size(); i++) {
            int at = started.indexOf(order.get(i));
            boolean levelTwo = order.get(i).equals("titan-execution") || order.get(i).equals("titan-console");
            assertThat(levelTwo ? Math.abs(at - i) <= 1 : at == i).as("stage %s at %s in %s", order.get(i), at,
                    started).isTrue();
        }
    }

    private void runBuild() {
        getHelper().clearCallStack();
        currentBuild.clear();
        currentBuild.put("result", "SUCCESS");
        stageResults.clear();
        log.clear();
        shScripts.clear();
        lastError = null;
        runScript("Jenkinsfile.example");
    }

    /** Writes the services repository as it is at release {@code release}. */
    private void checkoutRelease() throws IOException {
        Path code = workspace.resolve("services/service.js");
        Files.createDirectories(code.getParent());
        Files.copy(PROJECT.resolve("stand-in/service.js"), code, StandardCopyOption.REPLACE_EXISTING);
        write("package.json", "{\"name\":\"titan-services\",\"version\":\"1.0.0\",\"private\":true}\n");
        write("package-lock.json", "{\"name\":\"titan-services\",\"version\":\"1.0.0\",\"lockfileVersion\":3,"
                + "\"requires\":true,\"packages\":{\"\":{\"name\":\"titan-services\",\"version\":\"1.0.0\"}}}\n");
        StringBuilder yaml = new StringBuilder()
                .append("pm2:\n  home: ").append(pm2Home).append('\n')
                .append("  bin: ").append(PROJECT.resolve("node_modules/.bin/pm2")).append('\n')
                .append("  logRotation: {enabled: false}\n")
                .append("defaults:\n  startupTimeout: 8s\n  healthTimeout: 1s\n  soak: 1s\n")
                .append("validation:\n  redis: {url: \"redis://127.0.0.1:").append(redis.port()).append("/0\"}\n")
                .append("  timeouts: {service: 2s, redis: 2s, overall: 10s, quick: 5s}\n")
                .append("services:\n");
        Map<String, String> deps = Map.of("titan-shared", "[]", "titan-brain", "[titan-shared]",
                "titan-execution", "[titan-brain]", "titan-console", "[titan-brain]");
        for (String service : SERVICES) {
            boolean broken = release == 2 && service.equals("titan-brain");
            yaml.append("  ").append(service).append(":\n")
                    .append("    script: ").append(code).append('\n')
                    .append("    port: ").append(ports.get(service)).append('\n')
                    .append("    memory: 200M\n")
                    .append("    health: {http: /health}\n")
                    .append("    dependsOn: ").append(deps.get(service)).append('\n')
                    .append(broken ? "    startupTimeout: 3s\n" : "")
                    .append("    env:\n      SERVICE_NAME: ").append(service).append('\n')
                    .append("      SERVICE_VERSION: \"").append(release).append("\"\n")
                    .append(broken ? "      UNHEALTHY: \"1\"\n" : "");
        }
        write("deploy/titan.yaml", yaml.toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The version a service reports on GET /version, or null when nothing answers. */
    private static String version(int port) {
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
