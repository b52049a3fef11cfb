package io.titan.jenkins;

/** The test harness, as plain Groovy. */
class HarnessTest extends HarnessScenarios {
    HarnessTest() {
        super(false);
    }
}
