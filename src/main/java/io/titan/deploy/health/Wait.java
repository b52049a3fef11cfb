package io.titan.deploy.health;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Entry point for wait strategies:
 * <pre>{@code
 * Wait.forHttp("http://127.0.0.1:3000/health")
 *     .withStartupTimeout(Duration.ofSeconds(30))
 *     .withAbortCheck(() -> pm2.crashReason("titan-brain"))
 *     .waitUntilReady();
 * }</pre>
 */
public final class Wait {

    private Wait() {
    }

    /**
     * Waits for {@code GET uri} to return any 2xx.
     *
     * @throws IllegalArgumentException unless {@code uri} is an absolute http(s) URI with a host
     */
    public static ProbeWaitStrategy forHttp(URI uri) {
        return forHttp(new HttpProbe(uri));
    }

    /**
     * Waits for {@code GET url} to return any 2xx.
     *
     * @throws IllegalArgumentException unless {@code url} is an absolute http(s) URL with a host
     */
    public static ProbeWaitStrategy forHttp(String url) {
        Checks.notNull(url, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid URI: " + e.getMessage(), e);
        }
        return forHttp(HttpProbe.checkUri(uri, "url"));
    }

    /** Waits for {@code probe}, e.g. {@code Wait.forHttp(new HttpProbe(uri).forStatus(200))}. */
    public static ProbeWaitStrategy forHttp(HttpProbe probe) {
        Checks.notNull(probe, "probe");
        return new ProbeWaitStrategy(probe, probe.expectation());
    }

    /**
     * Waits for {@code host:port} to accept a TCP connection.
     *
     * @throws IllegalArgumentException if {@code host} is blank or {@code port} is outside 1..65535
     */
    public static ProbeWaitStrategy forTcp(String host, int port) {
        TcpProbe probe = new TcpProbe(host, port);
        return new ProbeWaitStrategy(probe, probe.expectation());
    }

    /** Waits for any probe to report healthy; messages say it did not {@code become healthy}. */
    public static ProbeWaitStrategy forProbe(HealthProbe probe) {
        return new ProbeWaitStrategy(probe);
    }

}
