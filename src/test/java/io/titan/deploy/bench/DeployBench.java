package io.titan.deploy.bench;

import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.Apps;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.DeployOptions.Strategy;
import io.titan.deploy.deploy.DeploymentOrchestrator;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.pm2.Pm2Control;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Ecosystem;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
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
import java.util.concurrent.TimeUnit;

/**
 * Scenarios 1-3: deployments of stand-in services under real PM2, each in a sandbox of its own
 * (temp PM2_HOME, daemon killed afterwards). The daemon is started before the clock starts in every
 * variant: a target's daemon normally runs already, and plain {@code pm2 start} would pay the same.
 */
final class DeployBench {

    /** Soak used by every benchmark topology (the shipped default is 2 s). */
    static final String SOAK = "500ms";
    static final long SOAK_MS = 500;

    private final Results results;
    private final int repeats;
    private final List<Double> readinessGaps = new ArrayList<>();
    private final List<Double> launchOverheads = new ArrayList<>();
    private final List<Double> releaseLatencies = new ArrayList<>();

    DeployBench(Results results, int repeats) {
        this.results = results;
        this.repeats = repeats;
    }

    /** What one deployment took, from the events and the stand-ins' ready files. */
    record Run(String topology, String strategy, double wallMs, double lastHealthyMs, double beforeRolloutMs,
               boolean success, Map<String, Double> gapMs, Map<String, TimedControl.Stat> pm2Calls,
               Map<String, List<Double>> timelineMs) {
    }

    /** Scenario 1 for one topology, collecting scenario 2's gaps on the way. */
    void deployVsCriticalPath(BenchTopology topo) throws Exception {
        String scenario = "1 deploy " + topo.label();
        int critical = topo.criticalPathMs();
        results.info(scenario, "critical path (longest chain of start delays)", critical, "ms");
        List<Double> parallel = new ArrayList<>();
        List<Double> lastHealthy = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            Run run = deploy(topo, Strategy.PARALLEL);
        run.timelineMs().forEach((name, t) -> System.out.printf("     %-10s delay %4d  deploying %6.0f  listening %6.0f  deployed %6.0f%n",
                name, topo.delays().get(name), t.get(0), t.get(1), t.get(2)));
            runs.add(run);
            parallel.add(run.wallMs());
            lastHealthy.add(run.lastHealthyMs());
        }
        Run sequential = deploy(topo, Strategy.SEQUENTIAL);
        runs.add(sequential);
        double parallelMs = Results.median(parallel);
        double lastHealthyMs = Results.median(lastHealthy);
        results.info(scenario, "parallel deploy wall (median of " + repeats + ")", parallelMs, "ms");
        results.info(scenario, "sequential deploy wall", sequential.wallMs(), "ms");
        double limit = critical + SOAK_MS;
        results.target(scenario, "parallel / (critical path + " + SOAK_MS + " ms soak)",
                Results.round(parallelMs / limit, 2), "x", "<= 1.15", parallelMs / limit <= 1.15);
        results.info(scenario, "last service healthy / critical path", Results.round(lastHealthyMs / critical, 2), "x");
        boolean generated = topo.label().startsWith("generated");
        double ratio = sequential.wallMs() / parallelMs;
        if (generated) {
            results.target(scenario, "sequential / parallel", Results.round(ratio, 2), "x", ">= 2.5", ratio >= 2.5);
        } else {
            results.info(scenario, "sequential / parallel", Results.round(ratio, 2), "x");
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("services", topo.services());
        detail.put("startDelayMs", topo.delays());
        detail.put("depth", topo.depth());
        detail.put("criticalPathMs", critical);
        detail.put("sumOfDelaysMs", topo.sumOfDelaysMs());
        detail.put("soakMs", SOAK_MS);
        detail.put("runs", runs);
        results.detail("deploy:" + topo.label(), detail);
    }

    /** One parallel deployment of {@code topo}, for profiling a change quickly ({@code bench/run probe}). */
    void probe(BenchTopology topo) throws Exception {
        Run run = deploy(topo, Strategy.PARALLEL);
        run.timelineMs().forEach((name, t) -> System.out.printf("     %-10s delay %4d  deploying %6.0f  listening %6.0f  deployed %6.0f%n",
                name, topo.delays().get(name), t.get(0), t.get(1), t.get(2)));
        results.info("probe " + topo.label(), "parallel / (critical path + soak)",
                Results.round(run.wallMs() / (topo.criticalPathMs() + SOAK_MS), 2), "x");
    }

    /** Scenario 2, from every deployment scenario 1 ran. */
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
     * Scenario 3: the same ecosystem with plain {@code pm2 start ecosystem.json} until every
     * service answers /health, against {@code bin/titan-deploy deploy} as a whole process.
     */
    void engineOverhead(BenchTopology topo) throws Exception {
        String scenario = "3 overhead " + topo.label();
        List<Double> plain = new ArrayList<>();
        List<Double> cli = new ArrayList<>();
        List<Double> cliNoValidate = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            plain.add(plainPm2Start(topo));
            cli.add(cliDeploy(topo, true));
            cliNoValidate.add(cliDeploy(topo, false));
        }
        double plainMs = Results.median(plain);
        double cliMs = Results.median(cli);
        double bareMs = Results.median(cliNoValidate);
        int n = topo.services().size();
        results.info(scenario, "plain pm2 start until all answer (median)", plainMs, "ms");
        results.info(scenario, "titan-deploy deploy (process, median)", cliMs, "ms");
        results.info(scenario, "titan-deploy deploy --no-validate (median)", bareMs, "ms");
        results.info(scenario, "deploy / plain pm2 start", Results.round(cliMs / plainMs, 2), "x");
        results.info(scenario, "per-service overhead (deploy - plain) / " + n, Results.round((cliMs - plainMs) / n, 1), "ms");
        results.info(scenario, "per-service overhead excl. " + SOAK_MS + " ms soak",
                Results.round((cliMs - plainMs - SOAK_MS) / n, 1), "ms");
        results.detail("overhead:" + topo.label(), Map.of("plainMs", plain, "cliMs", cli, "cliNoValidateMs", cliNoValidate,
                "services", n));
    }

    private Run deploy(BenchTopology topo, Strategy strategy) throws Exception {
        try (Sandbox sandbox = new Sandbox()) {
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            Topology topology = sandbox.topology("titan.yaml", topo.yaml(sandbox, ready, SOAK).yaml());
            sandbox.pm2().ping();
            Instant wallStart = Instant.now();
            long start = System.nanoTime();
            TimedControl pm2 = new TimedControl(new Pm2Control(sandbox.pm2()));
            List<DeploymentEvent> events = Collections.synchronizedList(new ArrayList<>());
            DeploymentResult result = new DeploymentOrchestrator(topology, pm2, sandbox.pm2Home().resolve("titan"),
                    new EventBus().onAny(events::add), Map.of(), Clock.systemUTC(), line -> { })
                    .deploy(DeployOptions.defaults().withStrategy(strategy));
            double wallMs = (System.nanoTime() - start) / 1e6;
            if (!result.success()) {
                System.err.println("bench: " + topo.label() + " " + strategy + " failed: " + result.error());
            }
            Map<String, Instant> deploying = new HashMap<>();
            Map<String, Instant> deployed = new HashMap<>();
            double beforeRollout = 0;
            for (DeploymentEvent e : List.copyOf(events)) {
                if (e instanceof DeploymentEvent.DeploymentStarted d) {
                    beforeRollout = Duration.between(wallStart, d.at()).toNanos() / 1e6;
                } else if (e instanceof DeploymentEvent.ServiceDeploying d) {
                    deploying.put(d.service(), d.at());
                } else if (e instanceof DeploymentEvent.ServiceDeployed d) {
                    deployed.put(d.service(), d.at());
                }
            }
            Map<String, Double> gaps = new LinkedHashMap<>();
            Map<String, List<Double>> timeline = new LinkedHashMap<>();
            double wallStartMs = epochMs(wallStart);
            double lastHealthy = 0;
            for (String name : topo.services().keySet()) {
                Instant at = deployed.get(name);
                Double readyAt = readyEpochMs(ready.resolve(name));
                if (at == null || readyAt == null) {
                    continue;
                }
                double atMs = epochMs(at);
                double gap = atMs - readyAt;
                gaps.put(name, Results.round(gap, 1));
                readinessGaps.add(Results.round(gap, 1));
                Instant began = deploying.get(name);
                double beganMs = epochMs(began);
                timeline.put(name, List.of(Results.round(beganMs - wallStartMs, 0), Results.round(readyAt - wallStartMs, 0),
                        Results.round(atMs - wallStartMs, 0)));
                launchOverheads.add(Results.round(readyAt - beganMs - topo.delays().get(name), 1));
                List<String> deps = topo.services().get(name);
                if (!deps.isEmpty()) {
                    Instant lastDep = deps.stream().map(deployed::get).max(Instant::compareTo).orElseThrow();
                    releaseLatencies.add(Results.round(Duration.between(lastDep, began).toNanos() / 1e6, 1));
                }
                lastHealthy = Math.max(lastHealthy, Duration.between(wallStart, at).toNanos() / 1e6);
            }
            System.out.printf("  .. %s %s: %.0f ms (%.0f ms before the rollout began)%s; pm2 calls %s%n", topo.label(),
                    strategy.name().toLowerCase(), wallMs, beforeRollout, result.success() ? "" : " FAILED", pm2.stats());
            return new Run(topo.label(), strategy.name().toLowerCase(), Results.round(wallMs, 1),
                    Results.round(lastHealthy, 1), Results.round(beforeRollout, 1), result.success(), gaps, pm2.stats(), timeline);
        }
    }

    private static double epochMs(Instant at) {
        return at.getEpochSecond() * 1000.0 + at.getNano() / 1e6;
    }

    private static Double readyEpochMs(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines = Files.readAllLines(file);
        return lines.isEmpty() ? null : Double.parseDouble(lines.get(lines.size() - 1).trim());
    }

    private double plainPm2Start(BenchTopology topo) throws Exception {
        try (Sandbox sandbox = new Sandbox()) {
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            BenchTopology.Written written = topo.yaml(sandbox, ready, SOAK);
            Topology topology = sandbox.topology("titan.yaml", written.yaml());
            List<Pm2App> apps = topology.inOrder().stream().map(s -> Apps.toPm2App(s, Map.of())).toList();
            Path eco = sandbox.dir().resolve("ecosystem.json");
            Files.writeString(eco, Ecosystem.toJson(apps));
            sandbox.pm2().ping();
            long start = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(sandbox.pm2().binary().toString(), "start", eco.toString())
                    .directory(sandbox.dir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(sandbox.dir().resolve("pm2-start.out").toFile());
            Map<String, String> env = pb.environment();
            env.keySet().retainAll(List.of("PATH", "HOME", "LANG"));
            env.put("PM2_HOME", sandbox.pm2Home().toString());
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pm2 start failed: " + Files.readString(sandbox.dir().resolve("pm2-start.out")));
            }
            awaitAllHealthy(written.ports().values(), Duration.ofSeconds(60));
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf("  .. %s plain pm2 start: %.0f ms%n", topo.label(), ms);
            return Results.round(ms, 1);
        }
    }

    private double cliDeploy(BenchTopology topo, boolean validate) throws Exception {
        try (Sandbox sandbox = new Sandbox()) {
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            Path config = sandbox.dir().resolve("titan.yaml");
            Files.writeString(config, topo.yaml(sandbox, ready, SOAK).yaml());
            sandbox.pm2().ping();
            List<String> command = new ArrayList<>(List.of(Sandbox.PROJECT.resolve("bin/titan-deploy").toString(),
                    "deploy", "--config", config.toString()));
            if (!validate) {
                command.add("--no-validate");
            }
            long start = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(sandbox.dir().resolve("deploy.out").toFile());
            pb.environment().put("TITAN_PROJECT_DIR", Sandbox.PROJECT.toString());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("titan-deploy deploy failed: " + Files.readString(sandbox.dir().resolve("deploy.out")));
            }
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf("  .. %s titan-deploy deploy%s: %.0f ms%n", topo.label(), validate ? "" : " --no-validate", ms);
            return Results.round(ms, 1);
        }
    }

    /** Polls every port's /health every 10 ms until all answer 200. */
    static void awaitAllHealthy(java.util.Collection<Integer> ports, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Integer> waiting = new ArrayList<>(ports);
        while (!waiting.isEmpty()) {
            waiting.removeIf(DeployBench::healthy);
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ports " + waiting + " did not answer /health within " + within);
            }
            Thread.sleep(10);
        }
    }

    private static boolean healthy(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(500);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }
}
