package io.titan.jenkins;

/** titanValidate as plain Groovy. */
class TitanValidateTest extends TitanValidateScenarios {
    TitanValidateTest() {
        super(false);
    }
}
