package io.titan.jenkins;

/** titanDeploy over two hosts through groovy-cps, with its state serialized at every step. */
class TitanDeployMultiHostCpsTest extends TitanDeployMultiHostScenarios {
    TitanDeployMultiHostCpsTest() {
        super(true);
    }
}
