package io.titan.deploy.bench;

import io.titan.deploy.graph.DependencyGraph;
import io.titan.deploy.graph.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/** Scenario 5: planning a generated 10,000-service graph, timed in one JVM after warm-up. */
final class PlanBench {

    static final int SERVICES = 10_000;
    static final int LEVELS = 50;

    private final Results results;

    PlanBench(Results results) {
        this.results = results;
    }

    /**
     * 50 levels of 200; every service above level 0 depends on one service of the level below and
     * on up to two more of any lower level (about 25,000 edges).
     */
    static Map<String, List<String>> graph(long seed) {
        Random random = new Random(seed);
        Map<String, List<String>> services = new LinkedHashMap<>();
        int perLevel = SERVICES / LEVELS;
        for (int level = 0; level < LEVELS; level++) {
            for (int i = 0; i < perLevel; i++) {
                TreeSet<String> deps = new TreeSet<>();
                if (level > 0) {
                    deps.add(name(level - 1, random.nextInt(perLevel)));
                    int extra = random.nextInt(3);
                    for (int e = 0; e < extra; e++) {
                        deps.add(name(random.nextInt(level), random.nextInt(perLevel)));
                    }
                }
                services.put(name(level, i), new ArrayList<>(deps));
            }
        }
        return services;
    }

    private static String name(int level, int i) {
        return "svc-" + level + "-" + i;
    }

    void run() {
        String scenario = "5 plan 10k services";
        Map<String, List<String>> graph = graph(11);
        int edges = graph.values().stream().mapToInt(List::size).sum();
        long sink = 0;
        for (int i = 0; i < 20; i++) {
            sink += DependencyGraph.of(graph).plan().order().size();
        }
        List<Double> ms = new ArrayList<>();
        long until = System.nanoTime() + 3_000_000_000L;
        while (ms.size() < 10 || (System.nanoTime() < until && ms.size() < 200)) {
            long start = System.nanoTime();
            Plan plan = DependencyGraph.of(graph).plan();
            ms.add((System.nanoTime() - start) / 1e6);
            sink += plan.levels().size();
        }
        if (sink == 0) {
            throw new IllegalStateException("empty plans");
        }
        double median = Results.median(ms);
        results.target(scenario, "DependencyGraph.of + plan, median of " + ms.size(), Results.round(median, 1), "ms",
                "< 200", median < 200);
        results.info(scenario, "p95", Results.round(Results.percentile(ms, 95), 1), "ms");
        results.detail("plan", Map.of("services", SERVICES, "levels", LEVELS, "edges", edges,
                "iterations", ms.size(), "medianMs", Results.round(median, 2)));
    }
}
