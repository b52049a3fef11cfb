package io.titan.jenkins;

/** titanPm2Status as plain Groovy. */
class TitanPm2StatusTest extends TitanPm2StatusScenarios {
    TitanPm2StatusTest() {
        super(false);
    }
}
