package io.titan.deploy.config;

/** How a service proves it is up: an HTTP GET answering 2xx, or a TCP port accepting connections. */
public sealed interface HealthSpec {

    /** Host the check talks to. */
    String host();

    /** {@code health: {http: /health}}. */
    record Http(String host, String path) implements HealthSpec {
    }

    /** {@code health: {tcp: true}}. */
    record Tcp(String host) implements HealthSpec {
    }
}
