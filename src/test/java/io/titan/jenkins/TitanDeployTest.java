package io.titan.jenkins;

/** titanDeploy as plain Groovy. */
class TitanDeployTest extends TitanDeployScenarios {
    TitanDeployTest() {
        super(false);
    }
}
