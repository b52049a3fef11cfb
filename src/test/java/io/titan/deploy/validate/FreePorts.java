package io.titan.deploy.validate;

/** Free loopback ports for test servers. */
final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on right now; also what "connection refused" tests connect to. */
    static int unused() {
        return io.titan.deploy.testing.Sandbox.freePort();
    }
}
