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
 * The benchmarks of issue 7, run by {@code bench/run}: prints a table and writes
 * {@code target/bench/results.json}. Not a test: nothing here runs under surefire.
 *
 * <p>Arguments name the scenarios to run ({@code plan validation cli deploy overhead fingerprint}); none means all.
 * {@code BENCH_REPEATS} (default 2) sets how often each deployment variant runs.
 */
public final class Bench {

    private static final List<String> ALL = List.of("plan", "validation", "cli", "deploy", "overhead", "fingerprint");
    /** Not part of a full run: one parallel deployment of the generated topology, to profile a change. */
    private static final String PROBE = "probe";

    private Bench() {
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
        long start = System.nanoTime();
        System.out.println("bench: scenarios " + ALL.stream().filter(chosen::contains).toList() + ", repeats " + repeats);

        if (chosen.contains("plan")) {
            new PlanBench(results).run();
        }
        if (chosen.contains("validation")) {
            ValidationBench validation = new ValidationBench(results, repeats);
            validation.answering();
            validation.hanging();
        }
        if (chosen.contains("cli")) {
            new CliBench(results, out).run();
        }
        DeployBench deploy = new DeployBench(results, repeats);
        if (chosen.contains("deploy")) {
            deploy.deployVsCriticalPath(BenchTopology.generated(20, 5, 42));
            deploy.deployVsCriticalPath(BenchTopology.titan(42));
            deploy.readinessLatency();
        }
        if (chosen.contains(PROBE)) {
            deploy.probe(BenchTopology.generated(20, 5, 42));
            deploy.readinessLatency();
        }
        if (chosen.contains("fingerprint")) {
            new FingerprintBench(results).run();
        }
        if (chosen.contains("overhead")) {
            deploy.engineOverhead(BenchTopology.flat(20));
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        results.printTable(System.out);
        Map<String, Object> machine = machine();
        machine.put("benchSeconds", Results.round(seconds, 1));
        machine.put("repeats", repeats);
        Path json = out.resolve("results.json");
        results.write(json, machine);
        System.out.printf("%nmachine: %s cpus, %s, java %s; bench took %.0f s; wrote %s%n",
                machine.get("cpus"), machine.get("cpuModel"), machine.get("java"), seconds, Sandbox.PROJECT.relativize(json));
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", command("sh", "-c", "lscpu | sed -n 's/^Model name: *//p' | head -1").trim());
        m.put("lscpu", command("sh", "-c", "lscpu | head -15").lines().toList());
        m.put("memTotal", command("sh", "-c", "grep MemTotal /proc/meminfo").trim());
        m.put("java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")");
        m.put("node", command("node", "--version").trim());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
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
