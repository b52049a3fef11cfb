package io.titan.deploy.health;


/** Loopback ports for tests. */
final class Ports {

    private Ports() {
    }

    /** A port the OS just handed out and nobody listens on any more. */
    static int freePort() {
        return io.titan.deploy.testing.Sandbox.freePort();
    }
}
