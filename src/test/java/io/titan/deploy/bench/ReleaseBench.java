package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenarios 10 and 11: what happens to a target that already runs a release (v1) of a generated
 * nine-service graph, with {@code titan-deploy deploy} run as a process each time.
 *
 * <ul>
 *   <li>10: a broken v2 (every service changes; the last service of the critical path is faulty)
 *       until v1 answers again. The clock of the recovery starts at the first {@code service:failed}
 *       (how long detection takes depends on the fault: a hang is only known at its startup
 *       timeout) and stops when the last service the rollback restored started listening again (its
 *       v1 stand-in's READY_FILE); afterwards every service must answer /health as v1.
 *   <li>11: the same v1 deployed again, unchanged: nothing may be restarted.
 * </ul>
 * Both share one target and one v1 deployment when both run.
 */
final class ReleaseBench {

    static final int SERVICES = 9;
    static final int DEPTH = 3;
    static final long SEED = 12;
    static final int UNCHANGED_RUNS = 3;
    /** Issue 11: a broken release is undone within 1.2 × the restore's own critical path + 1 s of its detection. */
    static final double PATH_FACTOR = 1.2;
    static final double FIXED_ALLOWANCE_MS = 1000;
    /** Issue 11: an unchanged redeploy of nine services, as a whole process. */
    static final double UNCHANGED_MS = 1000;
    /** Short, so that a hang or a 503 is detected in a bench-sized time. */
    static final String FAULT_STARTUP_TIMEOUT = "2s";

    /** A way for v2 to be broken, in the faulty service's env. */
    enum Fault {
        CRASH_AT_START("crash at start", Map.of("CRASH_ON_START", "1"), false),
        CRASH_IN_SOAK("crash in soak", Map.of("CRASH_AFTER_MS", "100"), false),
        HANG("hang, 2 s startup timeout", Map.of("HANG", "1"), true),
        UNHEALTHY("503, 2 s startup timeout", Map.of("UNHEALTHY", "1"), true);

        final String label;
        final Map<String, String> env;
        final boolean shortTimeout;

        Fault(String label, Map<String, String> env, boolean shortTimeout) {
            this.label = label;
            this.env = env;
            this.shortTimeout = shortTimeout;
        }
    }

    /**
     * One broken release, on its own clock (ms since the spawn).
     *
     * @param restored the services the rollback started again
     */
    record Observed(String fault, double detectedMs, double restoredMs, double exitMs, List<String> restored) {
    }

    /** A broken release held against its allowance, from the restore's own critical path. */
    record Broken(Observed observed, double restorePathMs, double allowedMs) {
    }

    private final Results results;
    private final BenchTopology topo = BenchTopology.generated(SERVICES, DEPTH, SEED);

    ReleaseBench(Results results) {
        this.results = results;
    }

    /**
     * Deploys v1 once, then runs scenario 11 ({@code unchanged}) and/or scenario 10
     * ({@code broken}) on it: the unchanged redeploys first, since every broken release ends with
     * v1 running again anyway.
     */
    void run(boolean unchanged, boolean broken) throws Exception {
        String faulty = topo.endOfCriticalPath();
        List<Double> boots = new ArrayList<>(broken ? StandIns.nodeBootSamples(DeployBench.NODE_BOOT_SAMPLES) : List.of());
        List<CliRun> again = new ArrayList<>();
        List<Observed> runs = new ArrayList<>();
        try (Sandbox sandbox = new Sandbox()) {
            Map<String, Integer> ports = topo.freePorts();
            Path v1Ready = Files.createDirectories(sandbox.dir().resolve("ready-v1"));
            Path v1 = sandbox.dir().resolve("v1.yaml");
            Files.writeString(v1, topo.yaml(sandbox.pm2Home(), ports, v1Ready, DeployBench.SOAK,
                    name -> Map.of("SERVICE_VERSION", "1"), Map.of()));
            sandbox.pm2().ping();
            CliRun.deploy(v1, "v1").requireExit(0);
            for (int i = 0; unchanged && i < UNCHANGED_RUNS; i++) {
                CliRun run = CliRun.deploy(v1, "again-" + i).requireExit(0);
                System.out.printf("  .. unchanged redeploy %d: %.0f ms, %d of %d services unchanged%n", i, run.wallMs(),
                        run.all("service:unchanged").size(), SERVICES);
                again.add(run);
            }
            for (Fault fault : broken ? Fault.values() : new Fault[0]) {
                Path ready = Files.createDirectories(sandbox.dir().resolve("ready-" + fault.name()));
                Path v2 = sandbox.dir().resolve(fault.name() + ".yaml");
                Files.writeString(v2, topo.yaml(sandbox.pm2Home(), ports, ready, DeployBench.SOAK, name -> {
                    Map<String, String> env = new LinkedHashMap<>();
                    env.put("SERVICE_VERSION", "2");
                    if (name.equals(faulty)) {
                        env.putAll(fault.env);
                    }
                    return env;
                }, fault.shortTimeout ? Map.of(faulty, FAULT_STARTUP_TIMEOUT) : Map.of()));
                runs.add(broken(fault, v2, v1Ready, ports));
            }
        }
        if (unchanged) {
            reportUnchanged(again);
        }
        if (broken) {
            boots.addAll(StandIns.nodeBootSamples(DeployBench.NODE_BOOT_SAMPLES));
            reportBroken(runs, boots, faulty);
        }
    }

    private void reportBroken(List<Observed> runs, List<Double> boots, String faulty) {
        String scenario = "10 broken release " + topo.label();
        double boot = Results.median(boots);
        results.info(scenario, "node start-up (node -e '', median of " + boots.size() + ")", Results.round(boot, 1), "ms");
        List<Broken> judged = new ArrayList<>();
        for (Observed run : runs) {
            double restorePath = topo.criticalPathMs(boot, run.restored());
            double allowed = PATH_FACTOR * restorePath + FIXED_ALLOWANCE_MS;
            double recovery = run.restoredMs() - run.detectedMs();
            judged.add(new Broken(run, Results.round(restorePath, 1), Results.round(allowed, 1)));
            String what = run.fault();
            results.info(scenario, what + ": spawn -> service:failed", run.detectedMs(), "ms");
            results.target(scenario, what + ": failure -> v1 answers again", Results.round(recovery, 0), "ms",
                    "<= " + Results.format(Results.round(allowed, 0)) + " (1.2x" + Results.format(Results.round(restorePath, 0))
                            + "+1s)", recovery <= allowed);
            results.info(scenario, what + ": spawn -> process exit", run.exitMs(), "ms");
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("services", topo.services());
        detail.put("startDelayMs", topo.delays());
        detail.put("faultyService", faulty);
        detail.put("faultStartupTimeout", FAULT_STARTUP_TIMEOUT);
        detail.put("nodeBootMs", boots);
        detail.put("runs", judged);
        results.detail("brokenRelease", detail);
    }

    private Observed broken(Fault fault, Path config, Path v1Ready, Map<String, Integer> ports) throws Exception {
        CliRun run = CliRun.deploy(config, fault.name()).requireExit(1);
        CliRun.Event failed = run.first("service:failed")
                .orElseThrow(() -> new IllegalStateException(fault.label + ": no service:failed event"));
        double failedEpoch = CliRun.epochMs(failed.at());
        List<String> restored = run.all("service:rolled-back").stream()
                .filter(e -> "restored".equals(e.action())).map(CliRun.Event::service).toList();
        double restoredEpoch = failedEpoch;
        for (String name : restored) {
            double listening = StandIns.times(v1Ready.resolve(name)).stream().filter(t -> t > failedEpoch).findFirst()
                    .orElseThrow(() -> new IllegalStateException(fault.label + ": " + name + " was restored but v1 never"
                            + " listened again"));
            restoredEpoch = Math.max(restoredEpoch, listening);
        }
        List<String> wrong = StandIns.notAnswering(ports, "1");
        if (!wrong.isEmpty()) {
            throw new IllegalStateException(fault.label + ": after the rollback " + wrong + " do not answer as v1");
        }
        double spawn = CliRun.epochMs(run.spawnedAt());
        Observed b = new Observed(fault.label, Results.round(failedEpoch - spawn, 1),
                Results.round(restoredEpoch - spawn, 1), run.wallMs(), restored);
        System.out.printf("  .. %s: failed at %.0f ms (%s), v1 answers again at %.0f ms, process exit %.0f ms; restored %s%n",
                fault.label, b.detectedMs(), failed.reason(), b.restoredMs(), b.exitMs(), restored);
        return b;
    }

    private void reportUnchanged(List<CliRun> again) {
        String scenario = "11 unchanged redeploy " + topo.label();
        List<Double> walls = again.stream().map(CliRun::wallMs).toList();
        List<Double> started = again.stream().map(r -> Results.round(r.sinceSpawnMs(
                r.first("deployment:started").orElseThrow().at()), 1)).toList();
        List<Double> completed = again.stream().map(r -> Results.round(r.sinceSpawnMs(
                r.first("deployment:completed").orElseThrow().at()), 1)).toList();
        int unchanged = again.stream().mapToInt(r -> r.all("service:unchanged").size()).min().orElse(0);
        double median = Results.median(walls);
        results.target(scenario, "titan-deploy deploy, process (median of " + walls.size() + ")", median, "ms",
                "<= " + Results.format(UNCHANGED_MS), median <= UNCHANGED_MS);
        results.info(scenario, "services left alone (fewest in a run, of " + SERVICES + ")", unchanged, "");
        results.info(scenario, "  spawn -> deployment:started (JVM, config, lock)", Results.median(started), "ms");
        results.info(scenario, "  -> deployment:completed (snapshot, plan, health)",
                Results.round(Results.median(completed) - Results.median(started), 1), "ms");
        results.info(scenario, "  -> process exit (report, JVM exit)",
                Results.round(median - Results.median(completed), 1), "ms");
        results.detail("unchanged", Map.of("wallMs", walls, "startedMs", started, "completedMs", completed));
    }
}
