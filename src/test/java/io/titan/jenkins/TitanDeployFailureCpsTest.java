package io.titan.jenkins;

/** titanDeploy's failures, rollbacks and aborts through groovy-cps, with its state serialized at every step. */
class TitanDeployFailureCpsTest extends TitanDeployFailureScenarios {
    TitanDeployFailureCpsTest() {
        super(true);
    }
}
