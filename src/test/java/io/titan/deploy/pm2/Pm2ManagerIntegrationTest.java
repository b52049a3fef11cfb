package io.titan.deploy.pm2;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.testing.Integration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.titan.deploy.pm2.Pm2TestSupport.freePort;
import static io.titan.deploy.pm2.Pm2TestSupport.health;
import static io.titan.deploy.pm2.Pm2TestSupport.standIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Against real pm2 7.0.4 and the stand-in service. One daemon for the class (each test uses its
 * own app names and ports) keeps the run short; it is killed at the end.
 */
@Integration
class Pm2ManagerIntegrationTest {

    private static final String SECRET = "s3cr3t-value";

    @TempDir
    static Path home;
    @TempDir
    static Path work;
    private static Pm2Manager pm2;

    @BeforeAll
    static void startDaemon() {
        pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled());
        pm2.initialize();
    }

    @AfterAll
    static void killDaemon() {
        List<Long> pids = pm2.getProcessList().stream().map(Pm2Process::pid).toList();
        long daemon = Pm2Manager.daemonPid(home);
        pm2.kill();
        assertThat(ProcessLiveness.isAlive(daemon)).isFalse();
        assertThat(pids).noneMatch(ProcessLiveness::isAlive);
    }

    @Test
    void startedAppIsOnlineWithAPidAndAnswersHealth() {
        int port = freePort();

        pm2.start(standIn("it-start", port).build());

        Pm2Process process = only("it-start");
        assertThat(process.status()).isEqualTo(Pm2Status.ONLINE);
        assertThat(process.pid()).isPositive();
        assertThat(ProcessLiveness.isAlive(process.pid())).isTrue();
        assertThat(process.script()).isEqualTo(Pm2TestSupport.STAND_IN);
        await().until(() -> health(port).isPresent());
        assertThat(health(port).orElseThrow()).contains("\"service\":\"it-start\"").contains("\"version\":\"1\"");
    }

    @Test
    void stopKeepsTheAppStoppedAndDeleteForgetsIt() {
        int port = freePort();
        pm2.start(standIn("it-stop", port).build());
        long pid = only("it-stop").pid();

        pm2.stop("it-stop");

        assertThat(only("it-stop").status()).isEqualTo(Pm2Status.STOPPED);
        assertThat(ProcessLiveness.isAlive(pid)).isFalse();
        assertThat(java.util.Optional.ofNullable(pm2.snapshot().definitions().get("it-stop")).orElseThrow().running()).isFalse();

        pm2.delete("it-stop");

        assertThat(io.titan.deploy.testing.Sandbox.processes(pm2, "it-stop")).isEmpty();
        assertThat(pm2.deleteIfPresent("it-stop")).isFalse();
        pm2.delete("it-stop");
        assertThatThrownBy(() -> pm2.stop("it-stop"))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("it-stop").hasMessageContaining("no such app");
    }

    @Test
    void startingAnExistingAppAppliesTheNewScriptCwdAndEnv() throws IOException {
        int port = freePort();
        Path releaseOne = Files.createDirectories(work.resolve("release-1"));
        Path releaseTwo = Files.createDirectories(work.resolve("release-2"));
        Path scriptTwo = Files.copy(Pm2TestSupport.STAND_IN, releaseTwo.resolve("service.js"));
        pm2.start(standIn("it-redefine", port).cwd(releaseOne).build());
        await().until(() -> health(port).map(body -> body.contains("\"version\":\"1\"")).orElse(false));

        pm2.start(standIn("it-redefine", port).script(scriptTwo).cwd(releaseTwo)
                .env("SERVICE_VERSION", "2").build());

        await().until(() -> health(port).map(body -> body.contains("\"version\":\"2\"")).orElse(false));
        Pm2Process process = only("it-redefine");
        assertThat(process.script()).isEqualTo(scriptTwo);
        assertThat(process.cwd()).isEqualTo(releaseTwo);
    }

    @Test
    void describeGivesBackTheDefinitionWithOnlyTheAppsOwnEnv() throws IOException {
        int port = freePort();
        Path cwd = Files.createDirectories(work.resolve("describe"));
        Pm2App app = standIn("it-describe", port).cwd(cwd).args(List.of("--flag", "value"))
                .env("SERVICE_VERSION", "7").env("API_TOKEN", SECRET)
                .maxMemoryRestart("256M").maxRestarts(4).killTimeout(Duration.ofMillis(1200))
                .minUptime(Duration.ofSeconds(3)).restartDelay(Duration.ofMillis(250)).build();

        pm2.start(app);

        Pm2AppDefinition definition = java.util.Optional.ofNullable(pm2.snapshot().definitions().get("it-describe")).orElseThrow();
        assertThat(definition.app()).isEqualTo(app);
        assertThat(definition.envExact()).isTrue();
        assertThat(definition.running()).isTrue();
        assertThat(definition.app().env()).doesNotContainKeys("PATH", "HOME", "PM2_HOME");
        assertThat(java.util.Optional.ofNullable(pm2.snapshot().definitions().get("it-nothing"))).isEmpty();
    }

    @Test
    void appsGetTheirEnvButNotTheEnginesEnvironment() throws IOException {
        int port = freePort();
        pm2.start(standIn("it-env", port).env("ONLY_MINE", "yes").build());

        String environ = Files.readString(Path.of("/proc", Long.toString(only("it-env").pid()), "environ"),
                StandardCharsets.UTF_8);

        assertThat(environ.split("\0")).contains("ONLY_MINE=yes", "PORT=" + port)
                // Set by surefire for this JVM: the engine's environment must not reach the apps.
                .noneMatch(entry -> entry.startsWith("TITAN_PROJECT_DIR="));
    }

    @Test
    void missingScriptOrCwdIsAPm2ExceptionNamingIt() {
        Path missing = work.resolve("nowhere/service.js");

        assertThatThrownBy(() -> pm2.start(Pm2App.builder("it-missing", missing).cwd(work).build()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("it-missing").hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> pm2.start(standIn("it-missing", freePort()).cwd(work.resolve("gone")).build()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("cwd");
        assertThat(io.titan.deploy.testing.Sandbox.processes(pm2, "it-missing")).isEmpty();
    }

    @Test
    void pm2sOwnFailureBecomesAPm2ExceptionWithItsErrorOutput() throws IOException {
        Path bad = Files.writeString(work.resolve("broken.json"), "{\"apps\":[{");
        Pm2Cli cli = new Pm2Cli(Pm2TestSupport.PM2, home, System.getenv());

        assertThatThrownBy(() -> cli.run(List.of("start", bad.toString()), Duration.ofSeconds(30), Map.of(),
                List.of()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("pm2 start " + bad)
                .hasMessageContaining("exited with 1")
                .hasMessageContaining("malformated")
                .satisfies(e -> assertThat(((Pm2Exception) e).exitCode()).isEqualTo(1));
    }

    @Test
    void aSecretEnvValueNeverShowsInMessagesOrPm2sLog() throws IOException {
        int port = freePort();
        Pm2App app = standIn("it-secret", port).env("DB_PASSWORD", SECRET).build();
        pm2.start(app);
        List<String> messages = new ArrayList<>();
        messages.add(app.toString());
        messages.add(pm2.getProcessList().toString());
        collect(messages, () -> pm2.start(app.toBuilder().cwd(work.resolve("gone")).build()));
        collect(messages, () -> pm2.start(app.toBuilder().script(work.resolve("gone.js")).build()));
        collect(messages, () -> pm2.stop("it-secret-missing"));

        assertThat(messages).hasSize(5).noneMatch(message -> message.contains(SECRET));
        assertThat(Files.readString(home.resolve("pm2.log"))).doesNotContain(SECRET);
        try (Stream<Path> files = Files.walk(home)) {
            assertThat(files.filter(Files::isRegularFile))
                    .as("no file under PM2_HOME holds the secret (no ecosystem file is written)")
                    .noneMatch(file -> contains(file, SECRET));
        }
    }

    @Test
    void startsIndependentAppsFromSeveralThreads() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                Pm2App app = standIn("it-parallel-" + i, ports.get(i)).build();
                starts.add(pool.submit(() -> pm2.start(app)));
            }
            for (Future<?> start : starts) {
                start.get();
            }
        } finally {
            pool.shutdown();
        }
        for (int port : ports) {
            await().until(() -> health(port).isPresent());
        }
    }

    private static Pm2Process only(String name) {
        List<Pm2Process> processes = io.titan.deploy.testing.Sandbox.processes(pm2, name);
        assertThat(processes).hasSize(1);
        return processes.get(0);
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static void collect(List<String> messages, Runnable action) {
        try {
            action.run();
        } catch (Pm2Exception e) {
            messages.add(e.getMessage());
        }
    }
}
