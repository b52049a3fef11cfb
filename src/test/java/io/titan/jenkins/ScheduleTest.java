package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import groovy.json.JsonSlurperClassic;
import groovy.lang.GroovyClassLoader;
import java.util.List;
import java.util.Map;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduling rules of io.titan.jenkins.Schedule (pure functions, no steps), called directly: where
 * a release starts, which dependents a healthy service starts, why a service never started, which
 * host runs on the node the build holds, and how a release is named.
 * <pre>
 *   titan-shared (host-a) <- titan-brain (host-b) <- titan-console (host-a)
 *                                                 <- titan-execution (host-b)
 * </pre>
 */
class ScheduleTest {

    private static Class<?> schedule;

    @BeforeAll
    static void load() throws Exception {
        try (GroovyClassLoader loader = new GroovyClassLoader(ScheduleTest.class.getClassLoader())) {
            loader.addClasspath(PipelineTestBase.PROJECT.resolve("src").toString());
            schedule = loader.loadClass("io.titan.jenkins.Schedule");
        }
    }

    private static Object call(String method, Object... args) {
        return InvokerHelper.invokeStaticMethod(schedule, method, args);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> of(String only) {
        Map<String, Object> plan = (Map<String, Object>) new JsonSlurperClassic().parseText(FakeRelease.twoHosts().plan());
        return (Map<String, Object>) call("of", plan, only);
    }

    @SuppressWarnings("unchecked")
    private static List<String> ready(Map<String, Object> schedule, String service, Map<String, Boolean> healthy,
                                      Map<String, Boolean> started) {
        return (List<String>) call("ready", schedule, service, healthy, started);
    }

    @Test
    void theReleaseStartsWithTheServicesThatWaitForNoneOfItsOthers() {
        assertThat(call("roots", of(""))).isEqualTo(List.of("titan-shared"));
        // Outside the release a dependency is left to the CLI, which checks it answers.
        assertThat(call("roots", of("titan-console,titan-execution"))).isEqualTo(List.of("titan-console",
                "titan-execution"));
    }

    @Test
    void aHealthyServiceStartsTheDependentsItWasTheLastDependencyOfWhicheverHostTheyAreOn() {
        Map<String, Object> all = of("");

        assertThat(call("dependents", all, "titan-brain")).isEqualTo(List.of("titan-console", "titan-execution"));
        assertThat(ready(all, "titan-shared", Map.of("titan-shared", true), Map.of("titan-shared", true)))
                .containsExactly("titan-brain");
        assertThat(ready(all, "titan-shared", Map.of(), Map.of("titan-shared", true))).as("not healthy yet").isEmpty();
        Map<String, Boolean> healthy = Map.of("titan-shared", true, "titan-brain", true);
        assertThat(ready(all, "titan-brain", healthy, Map.of("titan-shared", true, "titan-brain", true)))
                .containsExactly("titan-console", "titan-execution");
        // Started already (by another dependency's branch): not again.
        assertThat(ready(all, "titan-brain", healthy, Map.of("titan-shared", true, "titan-brain", true,
                "titan-console", true))).containsExactly("titan-execution");
    }

    @Test
    void aServiceThatNeverStartedSaysWhichFailureStoppedIt() {
        Map<String, Object> all = of("");

        assertThat(call("skipReason", all, "titan-console", List.of("titan-brain")))
                .isEqualTo("not started: dependency titan-brain failed");
        // titan-console depends on titan-shared through titan-brain.
        assertThat(call("skipReason", all, "titan-console", List.of("titan-shared")))
                .isEqualTo("not started: dependency titan-shared failed");
        Map<String, Object> two = of("titan-console,titan-execution");
        assertThat(call("skipReason", two, "titan-execution", List.of("titan-console")))
                .isEqualTo("not started: titan-console failed first");
    }

    @Test
    void aDependencyOutsideTheReleaseIsLeftToTheCliWhichChecksItIsHealthy() {
        Map<String, Object> only = of("titan-console,titan-execution");

        assertThat(only.get("order")).isEqualTo(List.of("titan-console", "titan-execution"));
        assertThat(only.get("hosts")).asString().contains("host-a").contains("host-b");
    }

    @Test
    void onlyNamingAServiceTheTopologyLacksIsAProblemNamingTheServices() {
        assertThat(of("titan-brian")).containsEntry("problem", "'only' names titan-brian, not in the topology (its "
                + "services: titan-shared, titan-brain, titan-console, titan-execution)");
    }

    @Test
    void aHostRunsOnTheBuildsNodeWhenItHasNoAgentOrItsLabelIsOneOfTheNodes() {
        assertThat(call("onCurrentNode", null, null)).isEqualTo(true);
        assertThat(call("onCurrentNode", "titan-a", "titan-a-1 titan-a linux")).isEqualTo(true);
        assertThat(call("onCurrentNode", "titan-a-1", "titan-a-1 titan-a linux")).isEqualTo(true);
        assertThat(call("onCurrentNode", "titan-a", "titan-ab-1 titan-ab")).isEqualTo(false);
        assertThat(call("onCurrentNode", "titan-a", null)).isEqualTo(false);
        // A label expression is never taken for the node the build holds: node() decides it.
        assertThat(call("onCurrentNode", "titan-a && linux", "titan-a-1 titan-a linux")).isEqualTo(false);
    }

    @Test
    void aReleaseIsNamedAfterTheJobTheBuildAndTheCallWithinWhatAReleaseNameMayHold() {
        assertThat(call("releaseId", "titan-services/main", "42", "titan")).isEqualTo("titan-services-main-42-titan");
        assertThat(call("releaseId", "Titan Services/feature%2Fx", "7", "prod-a"))
                .isEqualTo("Titan-Services-feature-2Fx-7-prod-a");
        assertThat(call("releaseId", null, null, "titan")).isEqualTo("build-0-titan");
        assertThat(call("releaseId", "/_folder", "3", "titan")).isEqualTo("folder-3-titan");
        String longest = (String) call("releaseId", "j".repeat(300), "123456", "n".repeat(64));
        assertThat(longest).hasSize(128).endsWith("-123456-" + "n".repeat(64)).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    }
}
