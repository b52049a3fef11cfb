package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmarks of issues 7 and 11 and the fault injection of issue 21, run by {@code bench/run}:
 * prints a table and writes {@code target/bench/results.json}. Not a test: nothing here runs under
 * surefire.
 *
 * <p>Arguments name the scenarios to run (see {@link #ALL}); none means all. {@code BENCH_REPEATS}
 * (default 2) sets how often each deployment variant of scenarios 1 and 3 runs.
 */
public final class Bench {

    private static final List<String> ALL = List.of("plan", "validation", "cli", "fingerprint", "calls", "crash",
            "unchanged", "rollback", "overhead", "deploy", "daemon-kill", "jenkins", "downtime");
    /** Not part of a full run: one parallel deployment of the generated topology, to profile a change. */
    private static final String PROBE = "probe";

    private Bench() {
    }

    /** One entry of {@link #ALL}. */
    @FunctionalInterface
    private interface Scenario {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Set<String> chosen = args.length == 0 ? Set.copyOf(ALL) : Set.of(args);
        for (String name : chosen) {
            if (!ALL.contains(name) && !name.equals(PROBE)) {
                System.err.println("bench: unknown scenario " + name + " (known: " + String.join(" ", ALL) + ")");
                System.exit(2);
            }
        }
        int repeats = Integer.parseInt(System.getenv().getOrDefault("BENCH_REPEATS", "2"));
        Path out = Sandbox.PROJECT.resolve("target/bench");
        Files.createDirectories(out);
        Results results = new Results();
        String loadBefore = loadAverage();
        long start = System.nanoTime();
        System.out.println("bench: scenarios " + ALL.stream().filter(chosen::contains).toList() + ", repeats " + repeats);

        DeployBench deploy = new DeployBench(results, repeats);
        Map<String, Double> took = new LinkedHashMap<>();
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        scenarios.put("plan", () -> new PlanBench(results).run());
        scenarios.put("validation", () -> {
            ValidationBench validation = new ValidationBench(results, repeats);
            validation.answering();
            validation.hanging();
        });
        scenarios.put("cli", () -> new CliBench(results, out).run());
        scenarios.put("fingerprint", () -> new FingerprintBench(results).run());
        scenarios.put("calls", () -> new CallBench(results).run());
        scenarios.put("crash", () -> new CrashBench(results).run());
        // rollback and unchanged share one target and one v1 deployment when both run.
        scenarios.put("unchanged", () -> new ReleaseBench(results).run(true, false));
        scenarios.put("rollback", () -> new ReleaseBench(results).run(chosen.contains("unchanged"), true));
        scenarios.put("daemon-kill", () -> new DaemonKillBench(results).run());
        scenarios.put("jenkins", () -> new JenkinsBench(results).run());
        scenarios.put("downtime", () -> new DowntimeBench(results).run());
        scenarios.put("overhead", () -> deploy.engineOverhead(BenchTopology.flat(20)));
        scenarios.put("deploy", () -> {
            deploy.deployVsAlternatives(BenchTopology.titan(42));
            deploy.deployVsAlternatives(BenchTopology.generated(20, 5, 42));
            deploy.readinessLatency();
        });
        for (String name : ALL) {
            if (chosen.contains(name) && !(name.equals("unchanged") && chosen.contains("rollback"))) {
                long t = System.nanoTime();
                scenarios.get(name).run();
                took.put(name, Results.round((System.nanoTime() - t) / 1e9, 1));
                System.out.printf("bench: %s took %.0f s%n", name, took.get(name));
            }
        }
        if (chosen.contains(PROBE)) {
            deploy.probe(BenchTopology.generated(20, 5, 42));
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        results.printTable(System.out);
        Map<String, Object> machine = machine();
        machine.put("benchSeconds", Results.round(seconds, 1));
        machine.put("scenarioSeconds", took);
        // The machines are shared: the load says how much to trust absolute figures (ratios less so).
        machine.put("loadAverageBefore", loadBefore);
        machine.put("loadAverageAfter", loadAverage());
        machine.put("repeats", repeats);
        Path json = out.resolve("results.json");
        results.write(json, machine);
        System.out.printf("%nmachine: %s cpus, %s, java %s, node %s; load %s before, %s after; bench took %.0f s;"
                        + " wrote %s%n", machine.get("cpus"), machine.get("cpuModel"), machine.get("java"),
                machine.get("node"), loadBefore, machine.get("loadAverageAfter"), seconds, Sandbox.PROJECT.relativize(json));
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", command("sh", "-c", "lscpu | sed -n 's/^Model name: *//p' | head -1").trim());
        m.put("lscpu", command("sh", "-c", "lscpu | head -15").lines().toList());
        m.put("memTotal", command("sh", "-c", "grep MemTotal /proc/meminfo").trim());
        m.put("java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")");
        m.put("node", command("node", "--version").trim());
        try {
            m.put("pm2", Results.JSON.readTree(Sandbox.PROJECT.resolve("node_modules/pm2/package.json").toFile())
                    .path("version").asText("unknown"));
        } catch (IOException e) {
            m.put("pm2", "unknown (" + e.getMessage() + ")");
        }
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    /** The 1, 5 and 15 minute load averages. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return text;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
