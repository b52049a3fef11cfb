package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.deploy.ServiceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.pipeline.modeldefinition.Utils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * titanDeploy on a Jenkins without Pipeline: Declarative, whose Utils marks a stage skipped without an
 * error: the library cannot load that class, so skipped stages become NOT_BUILT through catchError, at
 * the price of an ERROR line each. Run plain by {@link TitanDeployWithoutDeclarativeTest} and through
 * groovy-cps by {@link TitanDeployWithoutDeclarativeCpsTest}.
 */
abstract class TitanDeployWithoutDeclarativeScenarios extends PipelineTestBase {

    private FakeCli cli;
    private final List<String> reached = new ArrayList<>();

    TitanDeployWithoutDeclarativeScenarios(boolean cps) {
        super(cps);
    }

    @Override
    protected Set<String> hiddenClasses() {
        return Set.of(Utils.class.getName());
    }

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeCli(this);
        cli.release = FakeRelease.oneHost().outcome("titan-brain", ServiceStatus.FAILED, 1, Fixtures.BRAIN_FAILURE);
        sh = cli;
        write("titan.yaml", "services: {}\n");
        // Had the library reached the stand-in after all, this would say so.
        Utils.onMarkSkipped(reached::add);
    }

    @Test
    void skippedStagesAreNotBuiltThroughCatchErrorWithAnErrorLineEach() {
        runAsBuild("titanDeploy", Map.of("failBuild", false));

        assertThat(reached).isEmpty();
        assertThat(stage("titan: titan-execution")).isEqualTo("NOT_BUILT");
        assertThat(stage("titan: titan-console")).isEqualTo("NOT_BUILT");
        assertThat(stage("titan: titan-brain")).isEqualTo("FAILURE");
        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(calls("catchError")).containsExactly(
                "{buildResult=UNSTABLE, stageResult=FAILURE, catchInterruptions=false}, groovy.lang.Closure",
                "{buildResult=SUCCESS, stageResult=NOT_BUILT, catchInterruptions=false}, groovy.lang.Closure",
                "{buildResult=SUCCESS, stageResult=NOT_BUILT, catchInterruptions=false}, groovy.lang.Closure");
        assertThat(log).filteredOn(l -> l.startsWith("ERROR")).containsExactly(
                "ERROR: titan-brain failed in 1 s: " + Fixtures.BRAIN_FAILURE,
                "ERROR: titan-execution not deployed (skipped): not started: dependency titan-brain failed",
                "ERROR: titan-console not deployed (skipped): not started: dependency titan-brain failed");
    }
}
