package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A topology of stand-in services with known start delays, and its critical path: the longest
 * dependency chain of each service's own start (its process boot plus its start delay until it
 * listens), which no deployment that respects the dependencies can beat.
 *
 * @param services name to dependencies, in an order where dependencies come first
 * @param delays   name to START_DELAY_MS
 */
record BenchTopology(String label, Map<String, List<String>> services, Map<String, Integer> delays) {

    static final int MIN_DELAY_MS = 300;
    static final int MAX_DELAY_MS = 1500;

    /**
     * {@code count} services in {@code depth} levels of equal size. Each service above level 0
     * depends on one random service of the level below (so the depth is exact) and, with even odds,
     * on one more random service of any lower level.
     */
    static BenchTopology generated(int count, int depth, long seed) {
        Random random = new Random(seed);
        Map<String, List<String>> services = new LinkedHashMap<>();
        Map<String, Integer> delays = new HashMap<>();
        List<List<String>> levels = new ArrayList<>();
        for (int level = 0; level < depth; level++) {
            List<String> names = new ArrayList<>();
            int size = count / depth + (level < count % depth ? 1 : 0);
            for (int i = 0; i < size; i++) {
                String name = "svc-" + level + "-" + i;
                TreeSet<String> deps = new TreeSet<>();
                if (level > 0) {
                    List<String> below = levels.get(level - 1);
                    deps.add(below.get(random.nextInt(below.size())));
                    if (random.nextBoolean()) {
                        List<String> lower = levels.get(random.nextInt(level));
                        deps.add(lower.get(random.nextInt(lower.size())));
                    }
                }
                services.put(name, List.copyOf(deps));
                delays.put(name, delay(random));
                names.add(name);
            }
            levels.add(names);
        }
        return new BenchTopology("generated-" + count + "x" + depth, services, delays);
    }

    /** The default seven-service Titan shape with seeded start delays. */
    static BenchTopology titan(long seed) {
        Random random = new Random(seed);
        Map<String, List<String>> services = new LinkedHashMap<>();
        services.put("titan-shared", List.of());
        services.put("titan-security", List.of("titan-shared"));
        services.put("titan-brain", List.of("titan-security", "titan-shared"));
        services.put("titan-execution", List.of("titan-brain", "titan-security", "titan-shared"));
        services.put("titan-phase1-scavenger", List.of("titan-brain", "titan-execution"));
        services.put("titan-ai-quant", List.of("titan-brain", "titan-execution"));
        services.put("titan-console", List.of("titan-brain"));
        Map<String, Integer> delays = new HashMap<>();
        services.keySet().forEach(name -> delays.put(name, delay(random)));
        return new BenchTopology("titan-7", services, delays);
    }

    /** {@code count} independent services that start at once: isolates per-service overhead. */
    static BenchTopology flat(int count) {
        Map<String, List<String>> services = new LinkedHashMap<>();
        Map<String, Integer> delays = new HashMap<>();
        for (int i = 0; i < count; i++) {
            services.put("flat-" + i, List.of());
            delays.put("flat-" + i, 0);
        }
        return new BenchTopology("flat-" + count, services, delays);
    }

    private static int delay(Random random) {
        return MIN_DELAY_MS + random.nextInt(MAX_DELAY_MS - MIN_DELAY_MS + 1);
    }

    /** Longest chain of start delays alone, in ms (no process boot). */
    int delayPathMs() {
        return (int) criticalPathMs(0);
    }

    /** Longest chain of (boot + start delay), in ms. */
    double criticalPathMs(double bootMs) {
        return criticalPathMs(bootMs, services.keySet());
    }

    /**
     * Longest chain of (boot + start delay) through the services in {@code only}, in ms; a
     * dependency outside {@code only} already runs and costs nothing (what a partial restore waits for).
     */
    double criticalPathMs(double bootMs, Collection<String> only) {
        return finishTimes(bootMs, Set.copyOf(only)).values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** The last service of the longest chain: a fault there keeps the whole chain in play. */
    String endOfCriticalPath() {
        Map<String, Double> finish = finishTimes(0, services.keySet());
        return finish.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private Map<String, Double> finishTimes(double bootMs, Set<String> only) {
        Map<String, Double> finish = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : services.entrySet()) {
            if (!only.contains(e.getKey())) {
                continue;
            }
            double ready = e.getValue().stream().filter(only::contains).mapToDouble(finish::get).max().orElse(0);
            finish.put(e.getKey(), ready + bootMs + delays.get(e.getKey()));
        }
        return finish;
    }

    /** One service after the other: the sum of all start delays, in ms. */
    int sumOfDelaysMs() {
        return delays.values().stream().mapToInt(Integer::intValue).sum();
    }

    int depth() {
        Map<String, Integer> level = new HashMap<>();
        services.forEach((name, deps) -> level.put(name, deps.stream().mapToInt(level::get).max().orElse(-1) + 1));
        return level.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    /** A free loopback port for every service, no two alike. */
    Map<String, Integer> freePorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : services.keySet()) {
            int port = Sandbox.freePort();
            while (ports.containsValue(port)) {
                port = Sandbox.freePort();
            }
            ports.put(name, port);
        }
        return ports;
    }

    /**
     * The topology as YAML: every service a stand-in on its port with its start delay, appending the
     * moment it listens to {@code readyDir/<name>}.
     *
     * @param extraEnv        more env per service (a version, a fault), may be empty
     * @param startupTimeouts per-service startup timeouts overriding the 30 s default
     */
    String yaml(Path pm2Home, Map<String, Integer> ports, Path readyDir, String soak,
                Function<String, Map<String, String>> extraEnv, Map<String, String> startupTimeouts) {
        StringBuilder yaml = new StringBuilder()
                .append("pm2:\n  home: ").append(pm2Home).append("\n  logRotation: {enabled: false}\n")
                .append("defaults:\n  startupTimeout: 30s\n  healthTimeout: 1s\n  soak: ").append(soak).append('\n')
                .append("services:\n");
        services.forEach((name, deps) -> {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SERVICE_NAME", name);
            env.put("START_DELAY_MS", String.valueOf(delays.get(name)));
            env.put("READY_FILE", readyDir.resolve(name).toString());
            env.putAll(extraEnv.apply(name));
            yaml.append("  ").append(name).append(":\n")
                    .append("    script: ").append(Sandbox.STAND_IN).append('\n')
                    .append("    port: ").append(ports.get(name)).append('\n')
                    .append("    memory: 200M\n")
                    .append("    health: {http: /health}\n")
                    .append("    dependsOn: [").append(String.join(", ", deps)).append("]\n");
            if (startupTimeouts.containsKey(name)) {
                yaml.append("    startupTimeout: ").append(startupTimeouts.get(name)).append('\n');
            }
            yaml.append("    env:\n");
            env.forEach((k, v) -> yaml.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        });
        return yaml.toString();
    }

    /** {@link #yaml} with nothing extra. */
    String yaml(Path pm2Home, Map<String, Integer> ports, Path readyDir, String soak) {
        return yaml(pm2Home, ports, readyDir, soak, name -> Map.of(), Map.of());
    }
}
