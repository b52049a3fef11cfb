package io.titan.jenkins;

/** titanDeploy aborted during a real deploy, through groovy-cps. */
class TitanDeployAbortCpsTest extends TitanDeployAbortScenarios {
    TitanDeployAbortCpsTest() {
        super(true);
    }
}
