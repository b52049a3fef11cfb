package io.titan.jenkins;

/** titanPm2Status through groovy-cps, with its state serialized at every step. */
class TitanPm2StatusCpsTest extends TitanPm2StatusScenarios {
    TitanPm2StatusCpsTest() {
        super(true);
    }
}
