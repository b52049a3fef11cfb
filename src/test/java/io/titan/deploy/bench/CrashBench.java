package io.titan.deploy.bench;

import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeploymentOrchestrator;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.testing.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Scenario 9: a service that crashes while it starts, until the engine says so. Each sample is
 * {@code titan-deploy deploy} as a process (a cold JVM, as in production) of one stand-in with
 * {@code CRASH_ON_START=1}; the stand-in appends the moment it exits to its {@code EXIT_FILE}, and
 * the latency is the {@code service:failed} event's time minus the first exit (PM2 restarts it at
 * once, so later exits are not the news). Both are wall clock on the same machine. An
 * {@link EventTap} on the daemon's event socket splits it into PM2's part (exit until the event
 * reaches a subscriber) and the engine's (event until {@code service:failed}). For comparison, the
 * same crash is also deployed inside the bench's JVM once that is warm: what is left is the
 * engine's design, without a fresh JVM's class loading and first HTTP client.
 */
final class CrashBench {

    static final int SAMPLES = 6;
    static final int WARM_SAMPLES = 3;
    /** Issue 11's target, median. */
    static final double TARGET_MS = 100;
    static final String SERVICE = "crasher";

    private final Results results;

    CrashBench(Results results) {
        this.results = results;
    }

    void run() throws Exception {
        String scenario = "9 crash -> service:failed";
        BenchTopology topo = new BenchTopology("crash", Map.of(SERVICE, List.of()), Map.of(SERVICE, 0));
        List<Sample> samples = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        try (Sandbox sandbox = new Sandbox()) {
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            sandbox.pm2().ping();
            try (EventTap tap = new EventTap(sandbox.pm2Home())) {
                for (int i = 0; i < SAMPLES; i++) {
                    Path exitFile = sandbox.dir().resolve("exit-" + i);
                    Path config = sandbox.dir().resolve("crash-" + i + ".yaml");
                    Files.writeString(config, topo.yaml(sandbox.pm2Home(), topo.freePorts(), ready, DeployBench.SOAK,
                            name -> Map.of("CRASH_ON_START", "1", "EXIT_FILE", exitFile.toString()), Map.of()));
                    samples.add(sample(CliRun.deploy(config, "crash-" + i).requireExit(1), exitFile, tap));
                }
            }
            // The first in-process deployment warms this JVM up and is not counted.
            for (int i = 0; i <= WARM_SAMPLES; i++) {
                Path exitFile = sandbox.dir().resolve("warm-exit-" + i);
                Topology topology = sandbox.topology("warm-" + i + ".yaml", topo.yaml(sandbox.pm2Home(), topo.freePorts(),
                        ready, DeployBench.SOAK, name -> Map.of("CRASH_ON_START", "1", "EXIT_FILE", exitFile.toString()),
                        Map.of()));
                double latency = inProcess(sandbox, topology, exitFile);
                if (i > 0) {
                    warm.add(latency);
                }
            }
        }
        List<Double> latencies = samples.stream().map(Sample::latencyMs).toList();
        double median = Results.median(latencies);
        results.target(scenario, "exit -> service:failed, median of " + latencies.size(), Results.round(median, 1), "ms",
                "<= " + Results.format(TARGET_MS), median <= TARGET_MS);
        results.info(scenario, "exit -> service:failed, max", Results.round(latencies.stream().mapToDouble(d -> d).max()
                .orElse(Double.NaN), 1), "ms");
        results.info(scenario, "  exit -> PM2's exit event reaches a subscriber, median",
                Results.round(Results.median(samples.stream().map(Sample::exitToEventMs).toList()), 1), "ms");
        results.info(scenario, "  event -> service:failed (engine), median",
                Results.round(Results.median(samples.stream().map(Sample::eventToFailedMs).toList()), 1), "ms");
        results.info(scenario, "  service:deploying -> exit (start call, node boot), median",
                Results.round(Results.median(samples.stream().map(Sample::deployingToExitMs).toList()), 1), "ms");
        results.info(scenario, "exit -> service:failed in a warm JVM (in-process), median of " + warm.size(),
                Results.round(Results.median(warm), 1), "ms");
        results.detail("crash", Map.of("samples", samples, "warmInProcessMs", warm));
    }

    /** One crash deployed by an orchestrator in this JVM: exit until {@code service:failed}, in ms. */
    private static double inProcess(Sandbox sandbox, Topology topology, Path exitFile) throws Exception {
        List<DeploymentEvent> events = Collections.synchronizedList(new ArrayList<>());
        DeploymentResult result = new DeploymentOrchestrator(topology, sandbox.pm2(),
                sandbox.pm2Home().resolve("titan"), new EventBus().onAny(events::add), Map.of(), Clock.systemUTC(),
                line -> { }).deploy(DeployOptions.defaults());
        if (result.success()) {
            throw new IllegalStateException("a stand-in with CRASH_ON_START=1 was deployed");
        }
        DeploymentEvent.ServiceFailed failed = List.copyOf(events).stream()
                .filter(e -> e instanceof DeploymentEvent.ServiceFailed).map(e -> (DeploymentEvent.ServiceFailed) e)
                .findFirst().orElseThrow(() -> new IllegalStateException("no service:failed in process"));
        List<Double> exits = StandIns.times(exitFile);
        if (exits.isEmpty()) {
            throw new IllegalStateException("the stand-in wrote no exit time to " + exitFile);
        }
        return Results.round(CliRun.epochMs(failed.at()) - exits.get(0), 1);
    }

    /**
     * One crash, in ms.
     *
     * @param exitAfterSpawnMs  the stand-in's first exit, after the deploy process was spawned
     * @param deployingToExitMs {@code service:deploying} until that exit
     * @param exitToEventMs     until PM2's exit event reached the bench's own subscriber (NaN if unseen)
     * @param eventToFailedMs   from there until {@code service:failed}
     */
    record Sample(double exitAfterSpawnMs, double deployingToExitMs, double latencyMs, double exitToEventMs,
                  double eventToFailedMs, String reason) {
    }

    private static Sample sample(CliRun run, Path exitFile, EventTap tap) throws Exception {
        CliRun.Event failed = run.all("service:failed").stream().filter(e -> SERVICE.equals(e.service()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no service:failed for " + SERVICE));
        CliRun.Event deploying = run.first("service:deploying").orElseThrow();
        List<Double> exits = StandIns.times(exitFile);
        if (exits.isEmpty()) {
            throw new IllegalStateException("the stand-in wrote no exit time to " + exitFile);
        }
        double exitMs = exits.get(0);
        double failedMs = CliRun.epochMs(failed.at());
        double eventMs = tap.of(SERVICE).stream().filter(e -> e.event().equals("exit") && e.receivedMs() >= exitMs)
                .mapToDouble(EventTap.Seen::receivedMs).findFirst().orElse(Double.NaN);
        Sample sample = new Sample(Results.round(exitMs - CliRun.epochMs(run.spawnedAt()), 1),
                Results.round(exitMs - CliRun.epochMs(deploying.at()), 1), Results.round(failedMs - exitMs, 1),
                Results.round(eventMs - exitMs, 1), Results.round(failedMs - eventMs, 1), failed.reason());
        System.out.printf("  .. crash: exit %.0f ms after the spawn (%.0f after service:deploying); after the exit: PM2"
                        + " event %.1f ms, service:failed %.1f ms (%s)%n", sample.exitAfterSpawnMs(), sample.deployingToExitMs(),
                sample.exitToEventMs(), sample.latencyMs(), sample.reason());
        return sample;
    }
}
