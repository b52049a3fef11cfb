package io.titan.jenkins;

/** titanDeploy without Pipeline: Declarative, as plain Groovy. */
class TitanDeployWithoutDeclarativeTest extends TitanDeployWithoutDeclarativeScenarios {
    TitanDeployWithoutDeclarativeTest() {
        super(false);
    }
}
