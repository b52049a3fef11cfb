package io.titan.deploy.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Serves one folder over HTTP twice, as Jenkins serves an archived artifact or a publishHTML page:
 * under {@code /jenkins/} with Jenkins' default Content-Security-Policy header (the default since
 * Jenkins 2.414.2) and under {@code /plain/} without it. Only files directly in the folder are
 * served; anything else is a 404.
 */
final class JenkinsCspServer implements AutoCloseable {

    /** Jenkins' default {@code hudson.model.DirectoryBrowserSupport.CSP}. */
    static final String JENKINS_DEFAULT_CSP =
            "sandbox allow-same-origin; default-src 'none'; img-src 'self'; style-src 'self';";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png",
            "json", "application/json");

    private final HttpServer server;
    private final Path root;

    private JenkinsCspServer(HttpServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    /** Starts serving {@code root} on a free loopback port. */
    static JenkinsCspServer serve(Path root) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            JenkinsCspServer csp = new JenkinsCspServer(server, root.toAbsolutePath());
            server.createContext("/jenkins/", exchange -> csp.send(exchange, "/jenkins/", true));
            server.createContext("/plain/", exchange -> csp.send(exchange, "/plain/", false));
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.start();
            return csp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL of {@code file} served with Jenkins' CSP header. */
    URI underCsp(String file) {
        return uri("/jenkins/" + file);
    }

    /** The URL of {@code file} served without a CSP header. */
    URI withoutCsp(String file) {
        return uri("/plain/" + file);
    }

    private URI uri(String path) {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + path);
    }

    private void send(HttpExchange exchange, String prefix, boolean csp) throws IOException {
        try (exchange) {
            String name = exchange.getRequestURI().getPath().substring(prefix.length());
            Path file = root.resolve(name).normalize();
            if (name.isEmpty() || name.contains("/") || !file.getParent().equals(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
            // Jenkins sends all three on artifacts and publishHTML pages.
            if (csp) {
                exchange.getResponseHeaders().set("Content-Security-Policy", JENKINS_DEFAULT_CSP);
                exchange.getResponseHeaders().set("X-Content-Security-Policy", JENKINS_DEFAULT_CSP);
                exchange.getResponseHeaders().set("X-WebKit-CSP", JENKINS_DEFAULT_CSP);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
