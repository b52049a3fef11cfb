package io.titan.jenkins;

/** titanDeploy without Pipeline: Declarative, through groovy-cps. */
class TitanDeployWithoutDeclarativeCpsTest extends TitanDeployWithoutDeclarativeScenarios {
    TitanDeployWithoutDeclarativeCpsTest() {
        super(true);
    }
}
