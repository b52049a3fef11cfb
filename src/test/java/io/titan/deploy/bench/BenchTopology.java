package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * A topology of stand-in services with known start delays, and its critical path: the longest
 * chain of start delays, which no deployment that respects the dependencies can beat.
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

    /** Longest chain of start delays, in ms. */
    int criticalPathMs() {
        Map<String, Integer> finish = new HashMap<>();
        int longest = 0;
        for (Map.Entry<String, List<String>> e : services.entrySet()) {
            int ready = e.getValue().stream().mapToInt(finish::get).max().orElse(0);
            int done = ready + delays.get(e.getKey());
            finish.put(e.getKey(), done);
            longest = Math.max(longest, done);
        }
        return longest;
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

    /**
     * The topology as YAML for {@code sandbox}, on free loopback ports; each stand-in appends the
     * moment it starts listening to {@code readyDir/<name>}.
     *
     * @return the YAML and the port of each service
     */
    Written yaml(Sandbox sandbox, Path readyDir, String soak) {
        TopologyYaml yaml = new TopologyYaml(sandbox.pm2Home()).soak(soak).startupTimeout("30s");
        Map<String, Integer> ports = new LinkedHashMap<>();
        services.forEach((name, deps) -> {
            int port = Sandbox.freePort();
            while (ports.containsValue(port)) {
                port = Sandbox.freePort();
            }
            ports.put(name, port);
            yaml.service(name, Sandbox.STAND_IN, port, deps, Map.of(
                    "START_DELAY_MS", String.valueOf(delays.get(name)),
                    "READY_FILE", readyDir.resolve(name).toString()));
        });
        return new Written(yaml.build(), ports);
    }

    record Written(String yaml, Map<String, Integer> ports) {
    }
}
