package io.titan.deploy.validate;

import io.titan.deploy.health.ProbeResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** One TCP connect, healthy when the port accepts. Minimal, to be replaced by the health package's {@code TcpProbe}. */
final class TcpCheckProbe implements AbortableProbe {

    private final String host;
    private final int port;

    TcpCheckProbe(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("tcp host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("tcp port must be 1-65535, was " + port);
        }
        this.host = Objects.requireNonNull(host);
        this.port = port;
    }

    @Override
    public String target() {
        return "tcp " + host + ":" + port;
    }

    @Override
    public ProbeResult probe(Duration timeout, Aborts aborts) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            aborts.register(socket);
            socket.connect(new InetSocketAddress(host, port), millis);
            return ProbeResult.healthy("accepted a connection");
        } catch (SocketTimeoutException e) {
            return ProbeResult.unhealthy("no connection within " + Texts.human(timeout));
        } catch (ConnectException e) {
            return ProbeResult.unhealthy(refusedOr(e));
        } catch (IOException e) {
            return ProbeResult.unhealthy(aborts.aborted() ? "aborted" : "connect failed: " + Texts.describe(e, List.of()));
        }
    }

    static String refusedOr(ConnectException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("refused") ? "connection refused" : "connect failed: " + message;
    }
}
