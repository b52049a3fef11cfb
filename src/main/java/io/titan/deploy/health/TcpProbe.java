package io.titan.deploy.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * One TCP connect per probe; healthy when the connection is accepted. The connection is closed at
 * once without sending anything. Immutable.
 */
public final class TcpProbe implements HealthProbe {

    private final String host;
    private final int port;

    /**
     * @throws IllegalArgumentException if {@code host} is null or blank or {@code port} is outside 1..65535
     */
    public TcpProbe(String host, int port) {
        this.host = Checks.notBlank(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
        this.port = port;
    }

    /** The expectation as a verb phrase for messages. */
    public String expectation() {
        return "accept a connection";
    }

    /**
     * Connects within {@code timeout}. Never throws for an unhealthy target.
     *
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    @Override
    public ProbeResult probe(Duration timeout) {
        return probe(timeout, new Aborts());
    }

    /** {@link #probe(Duration)}, with its socket registered in {@code aborts}. */
    @Override
    public ProbeResult probe(Duration timeout, Aborts aborts) {
        Checks.positive(timeout, "timeout");
        try (Socket socket = new Socket(java.net.Proxy.NO_PROXY)) {
            aborts.register(socket);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis(timeout));
            return ProbeResult.healthy("accepted a connection");
        } catch (SocketTimeoutException e) {
            return ProbeResult.unhealthy("timed out after " + Durations.format(timeout));
        } catch (ConnectException e) {
            return ProbeResult.unhealthy("connection refused");
        } catch (UnknownHostException e) {
            return ProbeResult.unhealthy("unknown host " + host);
        } catch (IOException e) {
            return ProbeResult.unhealthy(aborts.aborted() ? "aborted"
                    : "failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }

    private static int connectTimeoutMillis(Duration timeout) {
        // Socket.connect reads 0 as "wait forever", so a sub-millisecond timeout must round up, not down.
        long millis = Math.max(1, (timeout.toNanos() + 999_999) / 1_000_000);
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /** {@code tcp 127.0.0.1:3001}. */
    @Override
    public String target() {
        String shownHost = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return "tcp " + shownHost + ":" + port;
    }

    @Override
    public String toString() {
        return target();
    }
}
