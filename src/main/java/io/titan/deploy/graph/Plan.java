package io.titan.deploy.graph;

import java.util.List;

/**
 * A deployment plan: services grouped by level (roots at 0, a service one above its highest
 * dependency) and one topological order. Both are deterministic: ties are broken by name.
 */
public record Plan(List<List<String>> levels, List<String> order) {

    public Plan {
        levels = levels.stream().map(List::copyOf).toList();
        order = List.copyOf(order);
    }
}
