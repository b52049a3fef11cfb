package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.config.HostSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.ProcessWatch;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failed service's own last lines, from real PM2 and the stand-in, as the engine hands them to the
 * reports: with the failure, bounded, its secrets masked; those of a service that fails its soak in
 * a step of its own; and those of a service the rollback could not restore.
 */
@Integration
class FailureOutputIntegrationTest {

    private static final String SECRET = "tok-7Qp2-zz91";
    private static final String CRASH = "err stand-in api: CRASH_ON_START=1, exiting";
    private static final Duration LEASE = Duration.ofMinutes(5);

    private Sandbox sandbox;
    private final int apiPort = Sandbox.freePort();
    private final List<DeploymentEvent> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** api, which prints its token (a secret) at start; {@code env} adds to or overrides its variables. */
    private Topology topology(String file, String defaults, Map<String, String> env) {
        return topology(file, defaults, env, "200ms");
    }

    private Topology topology(String file, String defaults, Map<String, String> env, String soak) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("SERVICE_VERSION", "1", "PRINT_VAR", "API_TOKEN",
                "API_TOKEN", "${TITAN_OUTPUT_SECRET}"));
        all.putAll(env);
        String yaml = new TopologyYaml(sandbox.pm2Home()).startupTimeout("3s").soak(soak)
                .service("api", Sandbox.STAND_IN, apiPort, List.of(), all).build()
                .replace("defaults:\n", "defaults:\n" + defaults);
        return sandbox.topology(file, yaml);
    }

    private HostRelease release(Topology topology, Map<String, String> environment) {
        return release(topology, environment, sandbox.pm2());
    }

    private HostRelease release(Topology topology, Map<String, String> environment, ProcessControl pm2) {
        return new HostRelease(topology, HostSpec.LOCAL, pm2, sandbox.pm2Home().resolve("titan"),
                new EventBus().onAny(events::add), environment, Clock.systemUTC(), line -> { });
    }

    private static List<String> texts(List<OutputLine> lines) {
        return lines.stream().map(l -> l.stream().value() + " " + l.text()).toList();
    }

    @Test
    void aServiceThatCrashesAtStartShowsItsLastLinesRightAfterItsFailureWithItsSecretMasked() {
        Topology topology = topology("crash.yaml", "", Map.of("CRASH_ON_START", "1"));

        DeploymentResult result = sandbox.orchestrator(topology, Map.of("TITAN_OUTPUT_SECRET", SECRET))
                .deploy(DeployOptions.defaults());

        assertThat(result.success()).isFalse();
        ServiceOutcome api = result.services().get(0);
        assertThat(api.status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(texts(api.output())).contains(CRASH, "out stand-in api: API_TOKEN=****",
                "err stand-in api: cannot connect with ****");
        assertThat(api.output().toString()).doesNotContain(SECRET);
        List<DeploymentEvent> seen = sandbox.events();
        int failed = indexOf(seen, DeploymentEvent.ServiceFailed.class);
        assertThat(seen.get(failed + 1)).isInstanceOfSatisfying(DeploymentEvent.ServiceOutput.class,
                output -> assertThat(output.lines()).isEqualTo(api.output()));
    }

    @Test
    void keepsAtMostLogLinesOfAServiceThatPrintedMany() {
        Topology topology = topology("many.yaml", "  logLines: 3\n", Map.of("CRASH_ON_START", "1", "PRINT_LINES", "50"));

        DeploymentResult result = sandbox.orchestrator(topology, Map.of("TITAN_OUTPUT_SECRET", SECRET))
                .deploy(DeployOptions.defaults());

        // Which three are the last is PM2's order, not the app's: it reads stdout and stderr apart,
        // and under load it may read a pipe well after the exit (AppOutputTest holds the order).
        List<String> printed = new ArrayList<>(List.of(CRASH, "err stand-in api: cannot connect with ****",
                "out stand-in api: API_TOKEN=****"));
        for (int i = 1; i <= 50; i++) {
            printed.add("out stand-in api: line " + i + " of 50");
        }
        assertThat(texts(result.services().get(0).output())).hasSize(3).isSubsetOf(printed);
    }

    @Test
    void aServiceTheRollbackCouldNotRestoreShowsTheRestoresLastLines() {
        // Where api listens is a secret too: the restore resolves it again, to an address that is not this machine's.
        Map<String, String> healthy = Map.of("TITAN_OUTPUT_SECRET", SECRET, "TITAN_HOST", "127.0.0.1");
        Map<String, String> elsewhere = Map.of("TITAN_OUTPUT_SECRET", SECRET, "TITAN_HOST", "192.0.2.1");
        Topology v1 = topology("v1.yaml", "", Map.of("HOST", "${TITAN_HOST}"));
        Topology v2 = topology("v2.yaml", "", Map.of("HOST", "${TITAN_HOST}", "SERVICE_VERSION", "2"));
        HostRelease first = release(v1, healthy);
        first.begin("r1", LEASE, DeployOptions.defaults());
        assertThat(first.service("r1", "api", LEASE).status()).isEqualTo(ServiceStatus.DEPLOYED);
        assertThat(first.finish("r1", LEASE, deployed -> Optional.empty()).success()).isTrue();
        HostRelease second = release(v2, healthy);
        second.begin("r2", LEASE, DeployOptions.defaults());
        ServiceOutcome deployed = second.service("r2", "api", LEASE);
        assertThat(deployed.output()).as("a service that deployed shows no lines").isEmpty();

        // The restore takes its secrets from the environment of the step that aborts: v1 cannot listen.
        DeploymentResult aborted = release(v2, elsewhere).abort("r2", "validation failed");

        assertThat(aborted.rollbackFailed()).as(aborted.error()).isTrue();
        ServiceOutcome api = aborted.services().get(0);
        assertThat(texts(api.output())).contains("out stand-in api: API_TOKEN=****")
                .anySatisfy(line -> assertThat(line).startsWith("err stand-in api: cannot listen on ****:" + apiPort));
        assertThat(api.output().toString()).doesNotContain(SECRET).doesNotContain("192.0.2.1");
        int rolledBack = indexOf(events, DeploymentEvent.ServiceRolledBack.class);
        assertThat(events.get(rolledBack + 1)).isInstanceOf(DeploymentEvent.ServiceOutput.class);
    }

    @Test
    void aReleaseStepKeepsTheLinesOfItsFailedServiceForTheAbortsReport() {
        Map<String, String> environment = Map.of("TITAN_OUTPUT_SECRET", SECRET);
        Topology topology = topology("step.yaml", "", Map.of("CRASH_ON_START", "1"));
        HostRelease release = release(topology, environment);
        release.begin("r1", LEASE, DeployOptions.defaults());

        ServiceOutcome failed = release.service("r1", "api", LEASE);
        DeploymentResult aborted = release(topology, environment).abort("r1", "api failed");

        assertThat(failed.status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(texts(failed.output())).contains(CRASH);
        assertThat(aborted.services().get(0).output()).isEqualTo(failed.output());
    }

    @Test
    void aServiceThatFailsItsSoakStepShowsWhatItPrintedDuringThatStep() throws Exception {
        Map<String, String> environment = Map.of("TITAN_OUTPUT_SECRET", SECRET);
        Topology topology = topology("soak.yaml", "", Map.of(), "5m");
        CountDownLatch soakWatching = new CountDownLatch(1);
        SoakWatching pm2 = new SoakWatching(sandbox.pm2(), soakWatching);
        HostRelease release = release(topology, environment, pm2);
        release.begin("r1", LEASE, DeployOptions.defaults());
        assertThat(release.service("r1", "api", LEASE, true).status()).isEqualTo(ServiceStatus.HEALTHY);
        pm2.armed = true;
        long pid = sandbox.pm2().snapshot().processes().stream().filter(p -> p.name().equals("api"))
                .findFirst().orElseThrow().pid();

        CompletableFuture<ServiceOutcome> soak = CompletableFuture.supplyAsync(() -> release.soak("r1", "api", LEASE));
        assertThat(soakWatching.await(2, TimeUnit.MINUTES)).as("the soak step watches api").isTrue();
        // A SIGTERM from outside PM2: the stand-in says so on stdout and exits, and PM2 starts it again.
        ProcessHandle.of(pid).orElseThrow().destroy();
        ServiceOutcome soaked = soak.get(5, TimeUnit.MINUTES);

        assertThat(soaked.status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(texts(soaked.output())).as("what api printed during the soak step, nothing from before it nor"
                + " from its next start").contains("out stand-in api: SIGTERM, shutting down")
                .noneMatch(line -> line.contains("listening on"));
        int failed = indexOf(events, DeploymentEvent.ServiceFailed.class);
        assertThat(events.get(failed + 1)).isInstanceOfSatisfying(DeploymentEvent.ServiceOutput.class,
                output -> assertThat(output.lines()).isEqualTo(soaked.output()));
        DeploymentResult aborted = release(topology, environment).abort("r1", "api failed its soak");
        assertThat(aborted.services().get(0).output()).as("kept in the record").isEqualTo(soaked.output());
    }

    /**
     * PM2 as the release uses it; once armed, counts down {@code latch} at the first look at PM2's
     * processes after a watch opened: the soak step's, which keeps the service's output from then on.
     */
    private static final class SoakWatching implements ProcessControl {
        private final ProcessControl pm2;
        private final CountDownLatch latch;
        private volatile boolean watching;
        volatile boolean armed;

        SoakWatching(ProcessControl pm2, CountDownLatch latch) {
            this.pm2 = pm2;
            this.latch = latch;
        }

        @Override
        public String home() {
            return pm2.home();
        }

        @Override
        public void initialize() {
            pm2.initialize();
        }

        @Override
        public List<Pm2Process> start(Pm2App app) {
            return pm2.start(app);
        }

        @Override
        public void stop(String name) {
            pm2.stop(name);
        }

        @Override
        public void delete(String name) {
            pm2.delete(name);
        }

        @Override
        public Pm2Snapshot snapshot() {
            return pm2.snapshot();
        }

        @Override
        public List<Pm2Process> processes() {
            List<Pm2Process> processes = pm2.processes();
            if (watching) {
                latch.countDown();
            }
            return processes;
        }

        @Override
        public ProcessWatch watch() {
            ProcessWatch watch = pm2.watch();
            watching = armed;
            return watch;
        }
    }

    private static int indexOf(List<DeploymentEvent> events, Class<? extends DeploymentEvent> type) {
        synchronized (events) {
            for (int i = 0; i < events.size(); i++) {
                if (type.isInstance(events.get(i)) && "api".equals(events.get(i).service())) {
                    return i;
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " about api in " + events);
    }
}
