package io.titan.jenkins;

/** titanDeploy through groovy-cps, with its state serialized at every step, as Jenkins runs it. */
class TitanDeployCpsTest extends TitanDeployScenarios {
    TitanDeployCpsTest() {
        super(true);
    }
}
