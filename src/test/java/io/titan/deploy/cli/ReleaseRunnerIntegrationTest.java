package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The release runner against real PM2: {@code release begin --runner} starts it, the steps of the
 * release go through {@code bin/titan-deploy-step} (node) as titanDeploy runs them, and it ends with
 * the release. A step it refuses, or one with no runner left, answers 75 for the caller to start the
 * CLI; a client that goes away stops its step.
 *
 * <pre>
 *   api &lt;-- worker
 * </pre>
 */
@Integration
class ReleaseRunnerIntegrationTest {

    private static final Path CLIENT = Sandbox.PROJECT.resolve("bin/titan-deploy-step");

    private Sandbox sandbox;
    private final int apiPort = Sandbox.freePort();
    private final int workerPort = Sandbox.freePort();
    private Path topology;
    private final List<Process> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        sandbox = new Sandbox();
        topology = topology("1", "0");
    }

    @AfterEach
    void stop() {
        clients.forEach(Process::destroyForcibly);
        sandbox.close();
    }

    private Path topology(String version, String workerDelayMs) throws IOException {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak("300ms");
        yaml.service("api", Sandbox.STAND_IN, apiPort, List.of(), Map.of("SERVICE_VERSION", version));
        yaml.service("worker", Sandbox.STAND_IN, workerPort, List.of("api"), Map.of("SERVICE_VERSION", version,
                "START_DELAY_MS", workerDelayMs));
        Path file = sandbox.dir().resolve("v" + version + ".yaml");
        Files.writeString(file, yaml.build());
        return file;
    }

    private JsonNode begin(Path config, String release) throws IOException {
        Path runner = sandbox.dir().resolve("runner-" + release + ".json");
        Cli begin = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "release", "begin", "--config",
                config.toString(), "--release", release, "--runner", runner.toString());
        assertThat(begin.exitCode()).as(begin.stdout() + begin.stderr()).isZero();
        assertThat(runner).as(begin.stdout()).exists();
        return new ObjectMapper().readTree(runner.toFile());
    }

    /** One step through the runner's client, as titanDeploy's sh runs it. */
    private Process launch(JsonNode runner, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(runner.get("node").asText(), runner.get("client").asText(),
                runner.get("socket").asText()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(sandbox.dir().toFile()).start();
        clients.add(p);
        return p;
    }

    private record Done(int exit, String stdout, String stderr) {
    }

    private static Done done(Process p) throws IOException, InterruptedException {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the step ends").isTrue();
        return new Done(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Done step(JsonNode runner, String release, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", topology.toString(), "--release", release));
        return done(launch(runner, all.toArray(String[]::new)));
    }

    private static boolean listening(JsonNode runner) {
        return Files.exists(Path.of(runner.get("socket").asText()));
    }

    @Test
    void theStepsOfAReleaseRunThroughItsRunnerWhichEndsWithTheRelease() throws Exception {
        JsonNode runner = begin(topology, "r1");
        assertThat(runner.get("client").asText()).isEqualTo(CLIENT.toString());

        Done api = step(runner, "r1", "release", "service", "api", "--until", "healthy", "--json");
        Done worker = step(runner, "r1", "release", "service", "worker", "--json");
        Done soak = step(runner, "r1", "release", "soak", "api", "--json");

        assertThat(api.exit()).as(api.stdout() + api.stderr()).isZero();
        assertThat(api.stdout()).contains("\"status\":\"healthy\"").contains("starting");
        assertThat(worker.exit()).as(worker.stdout() + worker.stderr()).isZero();
        assertThat(soak.stdout()).contains("\"status\":\"deployed\"");
        Done finish = step(runner, "r1", "release", "finish");
        assertThat(finish.exit()).as(finish.stdout() + finish.stderr()).isZero();
        assertThat(finish.stdout()).contains("release r1 finished on host local");
        assertThat(Sandbox.get(workerPort, "/version")).hasValueSatisfying(v -> assertThat(v).contains("\"1\""));
        // The release ended here: the runner is gone, and a later step starts the CLI itself.
        await().atMost(Duration.ofSeconds(20)).until(() -> !listening(runner));
        assertThat(step(runner, "r1", "release", "finish").exit()).isEqualTo(ReleaseRunner.REFUSED);
    }

    @Test
    void aStepOfAnotherReleaseIsRefusedForTheCallerToRun() throws Exception {
        JsonNode runner = begin(topology, "r2");

        Done other = step(runner, "r-other", "release", "service", "api", "--json");
        Done notAStep = done(launch(runner, "plan", "--config", topology.toString()));

        assertThat(other.exit()).isEqualTo(ReleaseRunner.REFUSED);
        assertThat(notAStep.exit()).isEqualTo(ReleaseRunner.REFUSED);
        Done dryRun = step(runner, "r2", "release", "abort", "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.stdout() + dryRun.stderr()).isZero();
        assertThat(dryRun.stdout()).contains("release abort on host local: back to the release before r2");
        // A dry run ends nothing: the runner, which would refuse every step once the release ended, runs the abort.
        assertThat(step(runner, "r2", "release", "abort").exit()).isZero();
    }

    @Test
    void aClientThatGoesAwayStopsItsStepAndTheAbortRestores() throws Exception {
        runner(topology, "r3");
        Path v2 = topology("2", "60000");
        topology = v2;
        JsonNode runner = begin(v2, "r4");
        assertThat(step(runner, "r4", "release", "service", "api", "--until", "healthy", "--json").exit()).isZero();
        // worker listens only after a minute: Jenkins stops its step meanwhile (SIGTERM to the client).
        Path events = sandbox.dir().resolve("worker-events.ndjson");
        Process worker = launch(runner, "release", "service", "worker", "--json", "--events", events.toString(),
                "--config", v2.toString(), "--release", "r4");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(events)
                && Files.readString(events).contains("service:deploying"));
        worker.destroy();
        assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Done abort = step(runner, "r4", "release", "abort");

        assertThat(abort.exit()).as(abort.stdout() + abort.stderr()).isZero();
        assertThat(Sandbox.get(apiPort, "/version")).hasValueSatisfying(v -> assertThat(v).contains("\"1\""));
        await().atMost(Duration.ofSeconds(30)).until(() -> Sandbox.get(workerPort, "/version")
                .map(v -> v.contains("\"1\"")).orElse(false));
        await().atMost(Duration.ofSeconds(20)).until(() -> !listening(runner));
    }

    /** A release that deploys both services of {@code config} through its runner and finishes. */
    private JsonNode runner(Path config, String release) throws Exception {
        JsonNode runner = begin(config, release);
        assertThat(step(runner, release, "release", "service", "api", "--json").exit()).isZero();
        assertThat(step(runner, release, "release", "service", "worker", "--json").exit()).isZero();
        assertThat(step(runner, release, "release", "finish").exit()).isZero();
        return runner;
    }

    @Test
    void aBeginThatIsTurnedAwayLeavesNoRunner() throws Exception {
        JsonNode holding = begin(topology, "r6");
        Path file = sandbox.dir().resolve("runner-r7.json");

        Cli refused = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "release", "begin", "--config",
                topology.toString(), "--release", "r7", "--runner", file.toString());

        assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(4);
        assertThat(file).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                .commandLine().orElse("").matches(".*ReleaseRunner .* r7 .*")));
        assertThat(listening(holding)).as("the release that holds the host keeps its runner").isTrue();
        assertThat(step(holding, "r6", "release", "abort").exit()).isZero();
    }

    @Test
    void withNoRunnerLeftTheClientAnswers75() throws Exception {
        JsonNode runner = begin(topology, "r5");
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                .contains(runner.get("socket").asText())).forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                .commandLine().orElse("").contains(runner.get("socket").asText())));

        Done gone = step(runner, "r5", "release", "service", "api", "--json");

        assertThat(gone.exit()).isEqualTo(ReleaseRunner.REFUSED);
        assertThat(gone.stderr()).contains("no release runner at");
        Cli abort = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "release", "abort", "--config",
                topology.toString(), "--release", "r5");
        assertThat(abort.exitCode()).as(abort.stdout() + abort.stderr()).isZero();
    }
}
