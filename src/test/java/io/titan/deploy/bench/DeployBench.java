package io.titan.deploy.bench;

import io.titan.deploy.change.CodeHasher;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.Apps;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeployOptions.Strategy;
import io.titan.deploy.deploy.DeploymentOrchestrator;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Ecosystem;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.testing.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Scenarios 1-3: deployments of stand-in services under real PM2, each in a sandbox of its own
 * (temp PM2_HOME, daemon killed afterwards), set beside what a user would run instead: plain
 * {@code pm2 start ecosystem.json} and the seed's sequential strategy. The daemon is started before
 * the clock starts in every variant: a target's daemon normally runs already, and plain
 * {@code pm2 start} would pay the same.
 */
final class DeployBench {

    /** Soak used by every benchmark topology (the shipped default is 2 s). */
    static final String SOAK = "500ms";
    static final long SOAK_MS = 500;
    /** Issue 11: a deploy of a changed graph may take 1.2 × (critical path + soak) + 0.6 s. */
    static final double PATH_FACTOR = 1.2;
    static final double FIXED_ALLOWANCE_MS = 600;
    /** Issue 11: flat services, deploy (soak excluded) against plain pm2 start. */
    static final double FLAT_RATIO = 1.5;
    static final int NODE_BOOT_SAMPLES = 5;

    private final Results results;
    private final int repeats;
    private final List<Double> readinessGaps = new ArrayList<>();
    private final List<Double> launchOverheads = new ArrayList<>();
    private final List<Double> releaseLatencies = new ArrayList<>();

    DeployBench(Results results, int repeats) {
        this.results = results;
        this.repeats = repeats;
    }

    /**
     * One deployment as a process, placed on its own clock (ms since the spawn).
     *
     * @param startedMs        {@code deployment:started}: JVM start, config, lock, daemon connection
     * @param firstDeployingMs first {@code service:deploying}: plus PM2 snapshot, change plan, release record
     * @param lastHealthyMs    last {@code service:deployed}
     * @param completedMs      {@code deployment:completed}: plus the last service's soak
     * @param timelineMs       per service: deploying, listening (the stand-in's READY_FILE), deployed
     */
    record DeployRun(String variant, double wallMs, double startedMs, double firstDeployingMs, double lastHealthyMs,
                     double completedMs, Map<String, List<Double>> timelineMs) {
    }

    /**
     * Scenario 1 for one topology: {@code titan-deploy deploy} as a process against its limit,
     * beside plain {@code pm2 start} and {@code --strategy sequential}; collects scenario 2's
     * readiness figures on the way.
     */
    void deployVsAlternatives(BenchTopology topo) throws Exception {
        String scenario = "1 deploy " + topo.label();
        List<Double> boots = new ArrayList<>(StandIns.nodeBootSamples(NODE_BOOT_SAMPLES));
        List<Double> plain = new ArrayList<>();
        List<DeployRun> parallel = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            // Interleaved, so that a noisy minute hits both variants alike.
            plain.add(plainPm2Start(topo));
            parallel.add(cliDeploy(topo, "parallel", true));
        }
        DeployRun sequential = cliDeploy(topo, "sequential", false);
        boots.addAll(StandIns.nodeBootSamples(NODE_BOOT_SAMPLES));

        double boot = Results.median(boots);
        double critical = topo.criticalPathMs(boot);
        double limit = critical + SOAK_MS;
        double allowed = PATH_FACTOR * limit + FIXED_ALLOWANCE_MS;
        double plainMs = Results.median(plain);
        double deployMs = median(parallel, DeployRun::wallMs);
        results.info(scenario, "node start-up (node -e '', median of " + boots.size() + ")", Results.round(boot, 1), "ms");
        results.info(scenario, "critical path (chain of node start-up + start delay)", Results.round(critical, 0), "ms");
        results.info(scenario, "plain pm2 start until all answer (median of " + repeats + ")", plainMs, "ms");
        results.target(scenario, "titan-deploy deploy, process (median of " + repeats + ")", deployMs, "ms",
                "<= " + Results.format(Results.round(allowed, 0)) + " (1.2x(path+soak)+0.6s)", deployMs <= allowed);
        results.info(scenario, "deploy / (critical path + " + SOAK_MS + " ms soak)", Results.round(deployMs / limit, 2), "x");
        results.info(scenario, "deploy / plain pm2 start", Results.round(deployMs / plainMs, 2), "x");
        results.info(scenario, "titan-deploy deploy --strategy sequential", sequential.wallMs(), "ms");
        results.info(scenario, "sequential / parallel", Results.round(sequential.wallMs() / deployMs, 2), "x");
        results.info(scenario, "  spawn -> deployment:started (JVM, config, lock)", median(parallel, DeployRun::startedMs), "ms");
        results.info(scenario, "  -> first service:deploying (snapshot, plan, record)",
                median(parallel, r -> r.firstDeployingMs() - r.startedMs()), "ms");
        results.info(scenario, "  -> last service:deployed, minus critical path",
                median(parallel, r -> r.lastHealthyMs() - r.firstDeployingMs() - critical), "ms");
        results.info(scenario, "  -> deployment:completed (last soak)",
                median(parallel, r -> r.completedMs() - r.lastHealthyMs()), "ms");
        results.info(scenario, "  -> process exit (report, JVM exit)",
                median(parallel, r -> r.wallMs() - r.completedMs()), "ms");

        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("services", topo.services());
        detail.put("startDelayMs", topo.delays());
        detail.put("depth", topo.depth());
        detail.put("nodeBootMs", boots);
        detail.put("delayPathMs", topo.delayPathMs());
        detail.put("criticalPathMs", Results.round(critical, 1));
        detail.put("sumOfDelaysMs", topo.sumOfDelaysMs());
        detail.put("soakMs", SOAK_MS);
        detail.put("allowedMs", Results.round(allowed, 1));
        detail.put("plainPm2StartMs", plain);
        detail.put("parallel", parallel);
        detail.put("sequential", sequential);
        results.detail("deploy:" + topo.label(), detail);
    }

    /** Scenario 2, from every parallel deployment scenario 1 ran. */
    void readinessLatency() {
        String scenario = "2 readiness detection";
        double median = Results.median(readinessGaps);
        results.target(scenario, "ready -> service:deployed, median (n=" + readinessGaps.size() + ")",
                Results.round(median, 1), "ms", "<= 100", median <= 100);
        results.info(scenario, "ready -> service:deployed, p95", Results.round(Results.percentile(readinessGaps, 95), 1), "ms");
        results.info(scenario, "service:deploying -> listening minus delay, median",
                Results.round(Results.median(launchOverheads), 1), "ms");
        results.info(scenario, "last dependency deployed -> dependent deploying, median",
                Results.round(Results.median(releaseLatencies), 1), "ms");
        results.detail("readiness", Map.of("gapsMs", readinessGaps, "launchOverheadMs", launchOverheads,
                "releaseLatencyMs", releaseLatencies));
    }

    /**
     * Scenario 3: independent services without start delays, so that ordering cannot explain any
     * difference: plain {@code pm2 start ecosystem.json} until every service answers /health,
     * against {@code titan-deploy deploy} as a whole process, whose last soak is taken off.
     */
    void engineOverhead(BenchTopology topo) throws Exception {
        String scenario = "3 overhead " + topo.label();
        List<Double> plain = new ArrayList<>();
        List<DeployRun> deploys = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            plain.add(plainPm2Start(topo));
            deploys.add(cliDeploy(topo, "parallel", false));
        }
        double plainMs = Results.median(plain);
        double deployMs = median(deploys, DeployRun::wallMs);
        double ratio = (deployMs - SOAK_MS) / plainMs;
        int n = topo.services().size();
        results.info(scenario, "plain pm2 start until all answer (median of " + repeats + ")", plainMs, "ms");
        results.info(scenario, "titan-deploy deploy, process (median of " + repeats + ")", deployMs, "ms");
        results.target(scenario, "(deploy - " + SOAK_MS + " ms soak) / plain pm2 start", Results.round(ratio, 2), "x",
                "<= " + FLAT_RATIO, ratio <= FLAT_RATIO);
        results.info(scenario, "per-service overhead excl. soak, (deploy - soak - plain) / " + n,
                Results.round((deployMs - SOAK_MS - plainMs) / n, 1), "ms");
        results.info(scenario, "  spawn -> deployment:started (JVM, config, lock)", median(deploys, DeployRun::startedMs), "ms");
        results.info(scenario, "  -> last service:deployed",
                median(deploys, r -> r.lastHealthyMs() - r.startedMs()), "ms");
        results.detail("overhead:" + topo.label(), Map.of("plainMs", plain, "deploys", deploys, "services", n));
    }

    /**
     * One parallel deployment of {@code topo} inside this JVM with the engine's PM2 calls timed
     * ({@code bench/run probe}): where the time over the critical path goes, without the JVM start.
     */
    void probe(BenchTopology topo) throws Exception {
        String scenario = "probe " + topo.label();
        double boot = Results.median(StandIns.nodeBootSamples(NODE_BOOT_SAMPLES));
        try (Sandbox sandbox = new Sandbox()) {
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            Topology topology = sandbox.topology("titan.yaml", topo.yaml(sandbox.pm2Home(), topo.freePorts(), ready, SOAK));
            sandbox.pm2().ping();
            Instant wallStart = Instant.now();
            long start = System.nanoTime();
            TimedControl pm2 = new TimedControl(sandbox.pm2());
            List<DeploymentEvent> events = Collections.synchronizedList(new ArrayList<>());
            DeploymentResult result = new DeploymentOrchestrator(topology, pm2, sandbox.pm2Home().resolve("titan"),
                    new EventBus().onAny(events::add), Map.of(), Clock.systemUTC(), line -> { })
                    .deploy(DeployOptions.defaults().withStrategy(Strategy.PARALLEL));
            double wallMs = (System.nanoTime() - start) / 1e6;
            if (!result.success()) {
                throw new IllegalStateException("probe deployment failed: " + result.error());
            }
            Map<String, Double> deploying = new HashMap<>();
            Map<String, Double> deployed = new HashMap<>();
            for (DeploymentEvent e : List.copyOf(events)) {
                double at = Duration.between(wallStart, e.at()).toNanos() / 1e6;
                if (e instanceof DeploymentEvent.ServiceDeploying d) {
                    deploying.put(d.service(), at);
                } else if (e instanceof DeploymentEvent.ServiceDeployed d) {
                    deployed.put(d.service(), at);
                }
            }
            double wallStartMs = CliRun.epochMs(wallStart);
            for (String name : topo.services().keySet()) {
                Double listening = StandIns.last(ready.resolve(name));
                System.out.printf("     %-22s delay %4d  deploying %6.0f  listening %6.0f  deployed %6.0f%n", name,
                        topo.delays().get(name), deploying.get(name), listening == null ? Double.NaN : listening - wallStartMs,
                        deployed.get(name));
            }
            double critical = topo.criticalPathMs(boot);
            double firstDeploying = deploying.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
            results.info(scenario, "in-process deploy wall", Results.round(wallMs, 0), "ms");
            results.info(scenario, "in-process / (critical path + soak)", Results.round(wallMs / (critical + SOAK_MS), 2), "x");
            results.info(scenario, "deploy call -> first service:deploying", Results.round(firstDeploying, 0), "ms");
            pm2.stats().forEach((op, stat) -> results.info(scenario, "PM2 " + op + ": " + stat.calls() + " calls, total",
                    stat.totalMs(), "ms"));
            List<Double> hashes = new ArrayList<>();
            CodeHasher hasher = new CodeHasher();
            for (int i = 0; i < 5; i++) {
                long t = System.nanoTime();
                hasher.hash(Sandbox.STAND_IN.getParent());
                hashes.add((System.nanoTime() - t) / 1e6);
            }
            results.info(scenario, "code hash of one service folder, median of 5 (x" + topo.services().size()
                    + " services, one after the other)", Results.round(Results.median(hashes), 1), "ms");
            results.detail("probe:" + topo.label(), Map.of("pm2Calls", pm2.stats(), "nodeBootMs", boot,
                    "criticalPathMs", critical, "codeHashMs", hashes));
        }
    }

    private DeployRun cliDeploy(BenchTopology topo, String strategy, boolean collectReadiness) throws Exception {
        try (Sandbox sandbox = new Sandbox()) {
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            Path config = sandbox.dir().resolve("titan.yaml");
            Files.writeString(config, topo.yaml(sandbox.pm2Home(), topo.freePorts(), ready, SOAK));
            sandbox.pm2().ping();
            CliRun run = CliRun.deploy(config, strategy, "--strategy", strategy).requireExit(0);
            Map<String, Double> deploying = new HashMap<>();
            Map<String, Double> deployed = new HashMap<>();
            run.all("service:deploying").forEach(e -> deploying.put(e.service(), run.sinceSpawnMs(e.at())));
            run.all("service:deployed").forEach(e -> deployed.put(e.service(), run.sinceSpawnMs(e.at())));
            double spawnMs = CliRun.epochMs(run.spawnedAt());
            Map<String, List<Double>> timeline = new LinkedHashMap<>();
            for (String name : topo.services().keySet()) {
                Double listening = StandIns.last(ready.resolve(name));
                if (listening == null || !deploying.containsKey(name) || !deployed.containsKey(name)) {
                    throw new IllegalStateException(topo.label() + " " + strategy + ": no timeline for " + name);
                }
                double listenMs = listening - spawnMs;
                timeline.put(name, List.of(Results.round(deploying.get(name), 0), Results.round(listenMs, 0),
                        Results.round(deployed.get(name), 0)));
                if (collectReadiness) {
                    readinessGaps.add(Results.round(deployed.get(name) - listenMs, 1));
                    launchOverheads.add(Results.round(listenMs - deploying.get(name) - topo.delays().get(name), 1));
                    topo.services().get(name).stream().map(deployed::get).max(Double::compare).ifPresent(lastDep ->
                            releaseLatencies.add(Results.round(deploying.get(name) - lastDep, 1)));
                }
            }
            DeployRun result = new DeployRun(strategy, run.wallMs(),
                    Results.round(run.sinceSpawnMs(run.first("deployment:started").orElseThrow().at()), 1),
                    Results.round(deploying.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow(), 1),
                    Results.round(deployed.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), 1),
                    Results.round(run.sinceSpawnMs(run.first("deployment:completed").orElseThrow().at()), 1),
                    timeline);
            System.out.printf("  .. %s titan-deploy %s: %.0f ms (started %.0f, first deploying %.0f, last healthy %.0f,"
                            + " completed %.0f)%n", topo.label(), strategy, result.wallMs(), result.startedMs(),
                    result.firstDeployingMs(), result.lastHealthyMs(), result.completedMs());
            return result;
        }
    }

    /** Plain {@code pm2 start ecosystem.json} of the engine's own app definitions, until every /health answers. */
    private double plainPm2Start(BenchTopology topo) throws Exception {
        try (Sandbox sandbox = new Sandbox()) {
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            Map<String, Integer> ports = topo.freePorts();
            Topology topology = sandbox.topology("titan.yaml", topo.yaml(sandbox.pm2Home(), ports, ready, SOAK));
            List<Pm2App> apps = topology.inOrder().stream().map(s -> Apps.toPm2App(s, Map.of())).toList();
            Path eco = sandbox.dir().resolve("ecosystem.json");
            Files.writeString(eco, Ecosystem.toJson(apps));
            sandbox.pm2().ping();
            long start = System.nanoTime();
            StandIns.pm2Cli(sandbox, "start", eco.toString());
            StandIns.awaitAllHealthy(ports.values(), Duration.ofSeconds(60));
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf("  .. %s plain pm2 start until all answer: %.0f ms%n", topo.label(), ms);
            return Results.round(ms, 1);
        }
    }

    private static double median(List<DeployRun> runs, ToDoubleFunction<DeployRun> figure) {
        return Results.round(Results.median(runs.stream().map(r -> figure.applyAsDouble(r)).toList()), 1);
    }
}
