package io.titan.jenkins;

/** The test harness, through groovy-cps. */
class HarnessCpsTest extends HarnessScenarios {
    HarnessCpsTest() {
        super(true);
    }
}
