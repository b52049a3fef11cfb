package io.titan.deploy.bench;

import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeploymentResult;
import io.titan.deploy.deploy.ServiceOutcome;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.testing.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 13 (issue 20): what a release costs a service's clients. Under constant load from wrk,
 * with keep-alive and without (two wrk runs side by side), the same stand-in service is redeployed
 * {@link #REDEPLOYS} times: as a two-instance cluster and as a one-instance {@code cluster: true}
 * service by the engine, beside plain {@code pm2 reload} of the same app; in fork mode by the
 * engine; and {@link #ROLLBACKS} broken releases of the nine-service graph of scenario 10 are rolled
 * back with the load on its root service. Each redeploy has its own pair of wrk runs, so failed
 * requests and the longest outage (the longest gap between good answers, where requests failed) are
 * known per redeploy and held against the downtime the engine reported for it.
 */
final class DowntimeBench {

    static final int REDEPLOYS = Integer.parseInt(System.getenv().getOrDefault("BENCH_DOWNTIME_REDEPLOYS", "20"));
    static final int ROLLBACKS = 5;
    /** Issue 20: the engine's reported downtime is within this of the load generator's longest outage. */
    static final double AGREEMENT_MS = 50;
    /** Load before and after each redeploy, so that the outage is inside the wrk runs. */
    private static final long MARGIN_MS = 300;

    /** One redeploy: what the engine reported (null for pm2 reload, or not measured) and what wrk saw. */
    record Sample(int run, Long engineMs, Integer failedProbes, Wrk.Seen keepAlive, Wrk.Seen close) {
        double outageMs() {
            return Math.max(keepAlive.outageMs(), close.outageMs());
        }
    }

    /** A variant's runs. */
    record Variant(String name, boolean engine, List<Sample> samples) {
        long failed(boolean keepAlive) {
            return samples.stream().mapToLong(s -> (keepAlive ? s.keepAlive() : s.close()).failed()).sum();
        }

        double longestOutage(boolean keepAlive) {
            return samples.stream().mapToDouble(s -> (keepAlive ? s.keepAlive() : s.close()).outageMs()).max().orElse(0);
        }

        Double maxEngineMs() {
            return engine ? samples.stream().filter(s -> s.engineMs() != null).mapToDouble(Sample::engineMs).max()
                    .orElse(0) : null;
        }

        Double worstDisagreementMs() {
            return engine ? samples.stream().filter(s -> s.engineMs() != null)
                    .mapToDouble(s -> Math.abs(s.engineMs() - s.outageMs())).max().orElse(0) : null;
        }
    }

    private final Results results;
    private final List<Variant> variants = new ArrayList<>();
    private final Map<String, Object> rollbacks = new LinkedHashMap<>();

    DowntimeBench(Results results) {
        this.results = results;
    }

    void run() throws Exception {
        cluster("cluster, 2 instances", "instances: 2");
        cluster("cluster: true, 1 instance", "cluster: true");
        try (Sandbox sandbox = new Sandbox()) {
            variants.add(engine(sandbox, "fork mode, 1 instance", "instances: 1", Sandbox.freePort()));
        }
        rollbacks();
        report();
    }

    /** The engine's redeploys of a cluster service, then plain pm2 reload of the same app. */
    private void cluster(String name, String mode) throws Exception {
        try (Sandbox sandbox = new Sandbox()) {
            int port = Sandbox.freePort();
            variants.add(engine(sandbox, name + ", titan-deploy", mode, port));
            List<Sample> samples = new ArrayList<>();
            for (int run = 1; run <= REDEPLOYS; run++) {
                try (Wrk keep = Wrk.start(sandbox.dir(), port, true); Wrk close = Wrk.start(sandbox.dir(), port, false)) {
                    Thread.sleep(MARGIN_MS);
                    StandIns.pm2Cli(sandbox, "reload", "api");
                    Thread.sleep(MARGIN_MS);
                    samples.add(new Sample(run, null, null, keep.stop(), close.stop()));
                }
            }
            variants.add(new Variant(name + ", plain pm2 reload", false, samples));
            print(variants.get(variants.size() - 1));
        }
    }

    private Variant engine(Sandbox sandbox, String name, String mode, int port) throws Exception {
        require(sandbox.deploy(api(sandbox, mode, port, 0)), "v0 of " + name);
        List<Sample> samples = new ArrayList<>();
        for (int run = 1; run <= REDEPLOYS; run++) {
            Topology next = api(sandbox, mode, port, run);
            sandbox.clearEvents();
            try (Wrk keep = Wrk.start(sandbox.dir(), port, true); Wrk close = Wrk.start(sandbox.dir(), port, false)) {
                Thread.sleep(MARGIN_MS);
                require(sandbox.deploy(next), name + " run " + run);
                Thread.sleep(MARGIN_MS);
                DeploymentEvent.ServiceDeployed deployed = sandbox.events().stream()
                        .filter(DeploymentEvent.ServiceDeployed.class::isInstance)
                        .map(DeploymentEvent.ServiceDeployed.class::cast).findFirst().orElseThrow();
                samples.add(new Sample(run, deployed.downtime() == null ? null : deployed.downtime().toMillis(),
                        deployed.failedProbes(), keep.stop(), close.stop()));
            }
        }
        Variant variant = new Variant(name, true, samples);
        print(variant);
        return variant;
    }

    private static Topology api(Sandbox sandbox, String mode, int port, int version) {
        return sandbox.api("v" + version + ".yaml", port, mode, "SERVICE_VERSION: \"" + version + "\"");
    }

    /**
     * Broken releases of scenario 10's nine-service graph (all in fork mode; its last service on the
     * critical path crashes at start), rolled back with wrk on its root service; how many services
     * were unavailable at the same moment during each restore, from the windows the engine measured.
     */
    private void rollbacks() throws Exception {
        BenchTopology topo = BenchTopology.generated(ReleaseBench.SERVICES, ReleaseBench.DEPTH, ReleaseBench.SEED);
        String root = topo.services().entrySet().stream().filter(e -> e.getValue().isEmpty()).findFirst()
                .orElseThrow().getKey();
        List<Sample> samples = new ArrayList<>();
        List<Integer> atOnce = new ArrayList<>();
        try (Sandbox sandbox = new Sandbox()) {
            Map<String, Integer> ports = topo.freePorts();
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            require(sandbox.deploy(sandbox.topology("v1.yaml", topo.yaml(sandbox.pm2Home(), ports, ready,
                    DeployBench.SOAK, n -> Map.of("SERVICE_VERSION", "1"), Map.of()))), "v1 of the graph");
            String broken = topo.yaml(sandbox.pm2Home(), ports, ready, DeployBench.SOAK, n -> n.equals(
                    topo.endOfCriticalPath()) ? Map.of("SERVICE_VERSION", "2", "CRASH_ON_START", "1")
                    : Map.of("SERVICE_VERSION", "2"), Map.of());
            for (int run = 1; run <= ROLLBACKS; run++) {
                Topology v2 = sandbox.topology("v2-" + run + ".yaml", broken);
                try (Wrk keep = Wrk.start(sandbox.dir(), ports.get(root), true);
                     Wrk close = Wrk.start(sandbox.dir(), ports.get(root), false)) {
                    Thread.sleep(MARGIN_MS);
                    DeploymentResult result = sandbox.deploy(v2);
                    Thread.sleep(MARGIN_MS);
                    if (!result.rolledBack()) {
                        throw new IllegalStateException("broken release " + run + " was not rolled back: " + result.error());
                    }
                    ServiceOutcome rootOutcome = result.services().stream().filter(s -> s.name().equals(root))
                            .findFirst().orElseThrow();
                    Long engine = Math.max(millis(rootOutcome.downtime()), millis(rootOutcome.restoreDowntime()));
                    samples.add(new Sample(run, engine, null, keep.stop(), close.stop()));
                    atOnce.add(mostAtOnce(result.services()));
                }
            }
        }
        Variant variant = new Variant(ReleaseBench.SERVICES + "-service graph rolled back, load on " + root, true, samples);
        variants.add(variant);
        rollbacks.put("root", root);
        rollbacks.put("servicesUnavailableAtOnce", atOnce);
        print(variant);
        System.out.printf("  .. services unavailable at the same moment during each restore: %s%n", atOnce);
    }

    private static long millis(Downtime downtime) {
        return downtime == null ? 0 : downtime.window().map(java.time.Duration::toMillis).orElse(0L);
    }

    /** The most restore windows open at one moment. */
    private static int mostAtOnce(List<ServiceOutcome> services) {
        List<long[]> edges = new ArrayList<>();
        for (ServiceOutcome s : services) {
            Downtime d = s.restoreDowntime();
            if (d != null && d.from() != null) {
                edges.add(new long[] {d.from().toEpochMilli(), 1});
                edges.add(new long[] {d.until().toEpochMilli(), -1});
            }
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int open = 0;
        int most = 0;
        for (long[] edge : edges) {
            open += (int) edge[1];
            most = Math.max(most, open);
        }
        return most;
    }

    private static void require(DeploymentResult result, String what) {
        if (!result.success()) {
            throw new IllegalStateException(what + " failed: " + result.error());
        }
    }

    private static void print(Variant v) {
        System.out.printf("  .. %s: failed %d (keep-alive) / %d (a connection per request), longest outage %.0f / %.0f ms"
                        + "%s%n", v.name(), v.failed(true), v.failed(false), v.longestOutage(true), v.longestOutage(false),
                v.engine() ? String.format(", engine reported up to %.0f ms, %.0f ms from wrk's view at worst",
                        v.maxEngineMs(), v.worstDisagreementMs()) : "");
    }

    private void report() {
        String scenario = "13 downtime, " + REDEPLOYS + " redeploys";
        Map<String, Variant> byName = new LinkedHashMap<>();
        variants.forEach(v -> byName.put(v.name(), v));
        for (Variant v : variants) {
            for (boolean keepAlive : new boolean[] {true, false}) {
                String mode = keepAlive ? "keep-alive" : "no keep-alive";
                String metric = v.name() + ", failed requests (" + mode + ")";
                long failed = v.failed(keepAlive);
                Variant plain = byName.get(v.name().replace(", titan-deploy", ", plain pm2 reload"));
                if (v.engine() && v.name().startsWith("cluster")) {
                    long reload = plain.failed(keepAlive);
                    results.target(scenario, metric, failed, "", "0, <= pm2 reload (" + reload + ")",
                            failed == 0 && failed <= reload);
                } else {
                    results.info(scenario, metric, failed, "");
                }
                results.info(scenario, v.name() + ", longest outage (" + mode + ")", Results.round(v.longestOutage(keepAlive), 1),
                        "ms");
            }
            if (v.engine()) {
                results.info(scenario, v.name() + ", engine's downtimeMs, largest", v.maxEngineMs(), "ms");
                double worst = v.worstDisagreementMs();
                results.target(scenario, v.name() + ", |downtimeMs - wrk's outage|, worst", Results.round(worst, 1), "ms",
                        "<= " + (int) AGREEMENT_MS, worst <= AGREEMENT_MS);
            }
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("redeploys", REDEPLOYS);
        detail.put("rollbacks", ROLLBACKS);
        detail.put("load", "wrk 4.1, 1 thread, 2 connections, GET /version, with keep-alive and with Connection: close,"
                + " side by side; an outage is the longest gap between 2xx answers of a run in which requests failed");
        detail.put("variants", variants);
        detail.put("rollbackGraph", rollbacks);
        results.scenario("downtime", detail);
    }
}
