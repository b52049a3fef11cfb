package io.titan.deploy.validate;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server on loopback whose paths answer with a chosen status after a chosen delay:
 * {@code /status/503/delay/800} answers 503 after 800 ms. Every exchange gets its own thread so
 * delays overlap, as separate services would.
 */
final class HttpEndpoints implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "http-endpoints");
        thread.setDaemon(true);
        return thread;
    });

    HttpEndpoints() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(executor);
        server.createContext("/status/", exchange -> {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            int status = Integer.parseInt(parts[2]);
            long delay = parts.length > 4 ? Long.parseLong(parts[4]) : 0;
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("status " + status).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** A URL answering {@code status} after {@code delay}. */
    URI url(int status, Duration delay) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/status/" + status + "/delay/"
                + delay.toMillis());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
