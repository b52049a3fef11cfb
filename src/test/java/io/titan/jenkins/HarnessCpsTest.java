package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test harness, through groovy-cps; and its serialization check at each step, as Jenkins saves the program. */
class HarnessCpsTest extends HarnessScenarios {
    HarnessCpsTest() {
        super(true);
    }

    @Test
    void whatAStageHoldsAcrossAStepMustSerialize() {
        assertThatThrownBy(() -> runScript("src/test/resources/jenkinsfiles/matcher-across-step.jenkinsfile"))
                .hasMessageContaining("could not save the program across a step")
                .hasStackTraceContaining("NotSerializableException: java.util.regex.Matcher");
        assertThat(log).containsExactly("between");
    }

    @Test
    void whatAStageDropsBetweenTwoStepsNeedNotSerialize() {
        runScript("src/test/resources/jenkinsfiles/matcher-between-steps.jenkinsfile");

        assertThat(log).containsExactly("before", "brain");
    }
}
