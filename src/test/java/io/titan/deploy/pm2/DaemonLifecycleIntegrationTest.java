package io.titan.deploy.pm2;

import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PM2 daemon's life cycle as a Jenkins build sees it: {@code titan-deploy} runs as its own
 * process (the CLI on the test classpath, as {@code bin/titan-deploy} runs the jar), with the
 * variables Jenkins' process-tree killer looks for in its environment.
 */
@Integration
class DaemonLifecycleIntegrationTest {

    private static final Map<String, String> JENKINS_BUILD = Map.of(
            "JENKINS_NODE_COOKIE", "titan-test-cookie-7f3a", "BUILD_ID", "titan-test-build-42");

    private Sandbox sandbox;
    private int port;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        port = Sandbox.freePort();
    }

    @AfterEach
    void stop() {
        List<Long> pids = new ArrayList<>();
        long daemon = Pm2Manager.daemonPid(sandbox.pm2Home());
        if (daemon > 0 && sandbox.pm2().isDaemonRunning()) {
            pids.add(daemon);
            sandbox.pm2().getProcessList().forEach(process -> pids.add(process.pid()));
        }
        sandbox.close();
        assertThat(pids).noneMatch(ProcessLiveness::isAlive);
    }

    @Test
    void theDaemonTheCliStartsRunsInItsOwnSessionWithoutTheBuildsCookies() throws IOException {
        Path config = topology(sandbox.pm2Home());

        Cli cli = Cli.run(sandbox.dir(), JENKINS_BUILD, Duration.ofSeconds(120), "deploy", "--config",
                config.toString());

        assertThat(cli.exitCode()).as(cli.stdout() + cli.stderr()).isZero();
        long daemon = Pm2Manager.daemonPid(sandbox.pm2Home());
        long service = io.titan.deploy.testing.Sandbox.processes(sandbox.pm2(), "titan-shared").get(0).pid();
        assertThat(ProcessLiveness.isAlive(daemon)).isTrue();
        assertThat(ProcessLiveness.isAlive(service)).isTrue();
        long jvmSession = session(ProcessHandle.current().pid());
        assertThat(session(daemon)).as("the daemon leads a session of its own")
                .isEqualTo(daemon).isNotEqualTo(jvmSession);
        // PM2 forks apps detached, so each leads a session of its own too.
        assertThat(session(service)).as("the service's session").isNotEqualTo(jvmSession);
        for (long pid : List.of(daemon, service)) {
            assertThat(environ(pid)).as("environment of pid %d", pid)
                    .isNotEmpty()
                    .noneMatch(entry -> entry.startsWith("JENKINS_NODE_COOKIE=") || entry.startsWith("BUILD_ID="))
                    .noneMatch(entry -> entry.contains("titan-test-cookie") || entry.contains("titan-test-build"));
        }
        // Jenkins' sh step waits until every holder of the build's output has closed it.
        List<Path> cliOutput;
        try (Stream<Path> files = Files.list(sandbox.dir())) {
            cliOutput = files.filter(file -> file.getFileName().toString().startsWith("cli-")).toList();
        }
        assertThat(cliOutput).hasSize(2);
        for (long pid : List.of(daemon, service)) {
            assertThat(openFiles(pid)).as("open files of pid %d", pid).doesNotContainAnyElementsOf(cliOutput);
        }
    }

    @Test
    void refusesADaemonOfAnotherVersionWithExitTwoNamingBothVersions() throws IOException {
        Path config = topology(sandbox.pm2Home());
        Files.createDirectories(sandbox.pm2Home());

        try (FakeDaemon old = FakeDaemon.listen(Pm2Sockets.rpc(sandbox.pm2Home()), FakeDaemon.pm2Of("6.0.0"))) {
            for (String command : List.of("status", "deploy")) {
                Cli cli = Cli.run(sandbox.dir(), JENKINS_BUILD, Duration.ofSeconds(60), command, "--config",
                        config.toString());

                assertThat(cli.exitCode()).as(command + ": " + cli.stdout() + cli.stderr()).isEqualTo(2);
                assertThat(cli.stderr()).as(command)
                        .contains("runs pm2 6.0.0").contains("7.0.x").contains("7.0.4")
                        .contains(sandbox.pm2Home().toString());
            }
            assertThat(old.methodsSeen()).as("a daemon of another version is asked nothing else")
                    .containsOnly("getVersion");
        }
        assertThat(sandbox.pm2Home().resolve("pm2.log")).as("no daemon of our own was started").doesNotExist();
        assertThat(Sandbox.get(port, "/health")).as("no service was started").isEmpty();
    }

    @Test
    void refusesAPm2HomeTooDeepForItsSocketWithExitTwoAndCreatesNothing() throws IOException {
        Path deep = sandbox.dir().resolve("deep");
        Path home = deep.resolve("h".repeat(108 - (deep + "/" + "/rpc.sock").length()));
        Path socket = home.resolve("rpc.sock");
        assertThat(socket.toString().getBytes(StandardCharsets.UTF_8)).hasSize(108);
        Path config = topology(home);

        for (String command : List.of("deploy", "status")) {
            Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), command, "--config", config.toString());

            assertThat(cli.exitCode()).as(command + ": " + cli.stdout() + cli.stderr()).isEqualTo(2);
            assertThat(cli.stderr()).as(command).contains(socket + " is 108 bytes, the limit is 106");
            assertThat(deep).as("nothing is created: no PM2_HOME, no state dir, no lock").doesNotExist();
        }
    }

    private Path topology(Path pm2Home) {
        String yaml = new TopologyYaml(pm2Home).startupTimeout("15s")
                .service("titan-shared", sandbox.standInCopy("code"), port, List.of(), Map.of())
                .build();
        try {
            return Files.writeString(sandbox.dir().resolve("topology-" + System.nanoTime() + ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Field 6 of /proc/PID/stat, counted after the command name, which may hold spaces. */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]);
    }

    private static List<String> environ(long pid) throws IOException {
        return List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                StandardCharsets.UTF_8).split("\0"));
    }

    private static List<Path> openFiles(long pid) throws IOException {
        List<Path> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    open.add(Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // Closed while listing.
                }
            }
        }
        return open;
    }
}
