package io.titan.jenkins;

/** titanDeploy aborted during a real deploy, as plain Groovy. */
class TitanDeployAbortTest extends TitanDeployAbortScenarios {
    TitanDeployAbortTest() {
        super(false);
    }
}
