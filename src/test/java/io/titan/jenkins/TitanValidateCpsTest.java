package io.titan.jenkins;

/** titanValidate through groovy-cps, with its state serialized at every step. */
class TitanValidateCpsTest extends TitanValidateScenarios {
    TitanValidateCpsTest() {
        super(true);
    }
}
