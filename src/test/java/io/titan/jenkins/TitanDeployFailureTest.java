package io.titan.jenkins;

/** titanDeploy's failures, rollbacks and aborts as plain Groovy. */
class TitanDeployFailureTest extends TitanDeployFailureScenarios {
    TitanDeployFailureTest() {
        super(false);
    }
}
