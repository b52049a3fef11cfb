package io.titan.deploy.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

    /*
     *  shared ──> security ──> brain ──> execution ──> scavenger
     *     │          │          │  │         └───────> ai-quant
     *     └──────────┴──────────┘  └──> console
     */
    private static final Map<String, List<String>> TITAN = Map.of(
            "titan-shared", List.of(),
            "titan-security", List.of("titan-shared"),
            "titan-brain", List.of("titan-shared", "titan-security"),
            "titan-execution", List.of("titan-shared", "titan-security", "titan-brain"),
            "titan-phase1-scavenger", List.of("titan-brain", "titan-execution"),
            "titan-ai-quant", List.of("titan-brain", "titan-execution"),
            "titan-console", List.of("titan-brain"));

    @Test
    void plansTheTitanTopologyInTheSeedsLevels() {
        Plan plan = DependencyGraph.of(TITAN).plan();

        assertThat(plan.levels()).containsExactly(
                List.of("titan-shared"),
                List.of("titan-security"),
                List.of("titan-brain"),
                List.of("titan-console", "titan-execution"),
                List.of("titan-ai-quant", "titan-phase1-scavenger"));
        assertThat(plan.order()).containsExactly("titan-shared", "titan-security", "titan-brain",
                "titan-console", "titan-execution", "titan-ai-quant", "titan-phase1-scavenger");
    }

    @Test
    void knowsDependenciesAndDependentsForRollback() {
        DependencyGraph g = DependencyGraph.of(TITAN);

        assertThat(g.dependentsOf("titan-brain"))
                .containsExactly("titan-ai-quant", "titan-console", "titan-execution", "titan-phase1-scavenger");
        assertThat(g.dependenciesOf("titan-console")).containsExactly("titan-brain");
        assertThat(g.transitiveDependenciesOf("titan-console"))
                .containsExactly("titan-shared", "titan-security", "titan-brain");
        assertThat(g.transitiveDependentsOf("titan-security")).containsExactly("titan-brain", "titan-console",
                "titan-execution", "titan-ai-quant", "titan-phase1-scavenger");
        assertThat(g.levelOf("titan-execution")).isEqualTo(3);
        assertThatThrownBy(() -> g.levelOf("nope")).hasMessageContaining("unknown service: nope");
    }

    @Test
    void rejectsACycleShowingItsPath() {
        Map<String, List<String>> cyclic = new HashMap<>(TITAN);
        cyclic.put("titan-shared", List.of("titan-console"));

        assertThatThrownBy(() -> DependencyGraph.of(cyclic))
                .isInstanceOf(CycleException.class)
                .hasMessage("dependency cycle: titan-brain -> titan-security -> titan-shared -> titan-console"
                        + " -> titan-brain");
    }

    @Test
    void rejectsAnUnknownDependency() {
        assertThatThrownBy(() -> DependencyGraph.of(Map.of("a", List.of("b"))))
                .isInstanceOf(UnknownDependencyException.class)
                .hasMessage("a depends on b, which is not a service in this topology");
    }

    @Test
    void plansAGeneratedTenThousandServiceGraphConsistently() {
        Random random = new Random(42);
        Map<String, List<String>> deps = new HashMap<>();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            List<String> d = new ArrayList<>();
            for (int k = 0; k < 3 && i > 0; k++) {
                String dep = String.format("s%05d", random.nextInt(i));
                if (!d.contains(dep)) {
                    d.add(dep);
                }
            }
            deps.put(String.format("s%05d", i), d);
        }

        DependencyGraph g = DependencyGraph.of(deps);
        Plan plan = g.plan();

        assertThat(plan.order()).hasSize(n);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < n; i++) {
            position.put(plan.order().get(i), i);
        }
        Set<String> placed = new HashSet<>();
        for (int level = 0; level < plan.levels().size(); level++) {
            for (String s : plan.levels().get(level)) {
                for (String dep : deps.get(s)) {
                    assertThat(position.get(dep)).isLessThan(position.get(s));
                    assertThat(g.levelOf(dep)).isLessThan(level);
                }
                assertThat(deps.get(s).stream().mapToInt(g::levelOf).max().orElse(-1) + 1).isEqualTo(level);
                placed.add(s);
            }
        }
        assertThat(placed).hasSize(n);
        assertThat(DependencyGraph.of(deps).plan()).isEqualTo(plan);
    }
}
