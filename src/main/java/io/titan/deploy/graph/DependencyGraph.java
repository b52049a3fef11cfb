package io.titan.deploy.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Services and the services they depend on. Built in one go from a map so that a cycle can be
 * reported with its full path; unknown dependencies and cycles are rejected at construction.
 *
 * <pre>
 *   shared ── security ── brain ── execution ── scavenger
 *      └──────────┴─────────┘  └── console
 * </pre>
 */
public final class DependencyGraph {

    private final SortedSet<String> nodes;
    private final Map<String, SortedSet<String>> dependencies;
    private final Map<String, SortedSet<String>> dependents;
    private final Plan plan;
    private final Map<String, Integer> levelOf;

    private DependencyGraph(Map<String, ? extends Iterable<String>> dependsOn) {
        this.nodes = new TreeSet<>(dependsOn.keySet());
        this.dependencies = new HashMap<>();
        this.dependents = new HashMap<>();
        for (String node : nodes) {
            dependencies.put(node, new TreeSet<>());
            dependents.put(node, new TreeSet<>());
        }
        for (String node : nodes) {
            for (String dependency : dependsOn.get(node)) {
                if (!nodes.contains(dependency)) {
                    throw new UnknownDependencyException(node, dependency);
                }
                dependencies.get(node).add(dependency);
                dependents.get(dependency).add(node);
            }
        }
        this.levelOf = new HashMap<>();
        this.plan = sort();
    }

    /**
     * Builds a graph from each service's direct dependencies.
     *
     * @throws UnknownDependencyException when a service depends on a name that is not a key
     * @throws CycleException             when the dependencies form a cycle
     */
    public static DependencyGraph of(Map<String, ? extends Iterable<String>> dependsOn) {
        return new DependencyGraph(dependsOn);
    }

    /** Kahn's algorithm with a name-ordered queue, so equal inputs give equal plans. */
    private Plan sort() {
        Map<String, Integer> waitingOn = new HashMap<>();
        PriorityQueue<String> ready = new PriorityQueue<>();
        for (String node : nodes) {
            int count = dependencies.get(node).size();
            waitingOn.put(node, count);
            if (count == 0) {
                ready.add(node);
                levelOf.put(node, 0);
            }
        }
        List<String> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            String node = ready.poll();
            order.add(node);
            int level = levelOf.get(node);
            for (String dependent : dependents.get(node)) {
                levelOf.merge(dependent, level + 1, Math::max);
                if (waitingOn.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (order.size() != nodes.size()) {
            throw new CycleException(findCycle(waitingOn));
        }
        TreeMap<Integer, List<String>> byLevel = new TreeMap<>();
        for (String node : order) {
            byLevel.computeIfAbsent(levelOf.get(node), l -> new ArrayList<>()).add(node);
        }
        byLevel.values().forEach(Collections::sort);
        return new Plan(new ArrayList<>(byLevel.values()), order);
    }

    /** Walks dependencies from the first unsorted node until a node repeats. */
    private List<String> findCycle(Map<String, Integer> waitingOn) {
        String start = nodes.stream().filter(n -> waitingOn.get(n) > 0).findFirst().orElseThrow();
        Map<String, Integer> seenAt = new HashMap<>();
        List<String> path = new ArrayList<>();
        String current = start;
        while (!seenAt.containsKey(current)) {
            seenAt.put(current, path.size());
            path.add(current);
            current = dependencies.get(current).stream()
                    .filter(d -> waitingOn.get(d) > 0)
                    .findFirst()
                    .orElseThrow();
        }
        List<String> cycle = new ArrayList<>(path.subList(seenAt.get(current), path.size()));
        cycle.add(current);
        return cycle;
    }

    /** Levels and topological order. */
    public Plan plan() {
        return plan;
    }

    /** All services, sorted by name. */
    public SortedSet<String> services() {
        return Collections.unmodifiableSortedSet(nodes);
    }

    /** The level of a service: 0 for roots, else 1 + the highest level of its dependencies. */
    public int levelOf(String service) {
        return levelOf.get(requireKnown(service));
    }

    /** Direct dependencies, sorted by name. */
    public SortedSet<String> dependenciesOf(String service) {
        return Collections.unmodifiableSortedSet(dependencies.get(requireKnown(service)));
    }

    /** Direct dependents, sorted by name. */
    public SortedSet<String> dependentsOf(String service) {
        return Collections.unmodifiableSortedSet(dependents.get(requireKnown(service)));
    }

    /** Everything the service needs, directly or not, in topological order. */
    public List<String> transitiveDependenciesOf(String service) {
        return inPlanOrder(reach(service, dependencies));
    }

    /** Everything that needs the service, directly or not, in topological order. */
    public List<String> transitiveDependentsOf(String service) {
        return inPlanOrder(reach(service, dependents));
    }

    private Set<String> reach(String service, Map<String, SortedSet<String>> edges) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(edges.get(requireKnown(service)));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(edges.get(next));
            }
        }
        return seen;
    }

    private List<String> inPlanOrder(Set<String> subset) {
        return plan.order().stream().filter(subset::contains).toList();
    }

    private String requireKnown(String service) {
        if (!nodes.contains(service)) {
            throw new IllegalArgumentException("unknown service: " + service);
        }
        return service;
    }
}
