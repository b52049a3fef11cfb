package io.titan.jenkins;

/** titanDeploy over two hosts as plain Groovy. */
class TitanDeployMultiHostTest extends TitanDeployMultiHostScenarios {
    TitanDeployMultiHostTest() {
        super(false);
    }
}
