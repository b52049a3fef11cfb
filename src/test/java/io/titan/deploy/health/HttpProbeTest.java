package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private StubHttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void isHealthyWhenTheServiceAnswers200() {
        server = StubHttpServer.start(request -> 200);

        ProbeResult result = new HttpProbe(server.uri("/health")).probe(TIMEOUT);

        assertThat(result).isEqualTo(ProbeResult.healthy("returned 200"));
    }

    @Test
    void isUnhealthyWhenTheServiceAnswers503() {
        server = StubHttpServer.start(request -> 503);

        ProbeResult result = new HttpProbe(server.uri("/health")).probe(TIMEOUT);

        assertThat(result).isEqualTo(ProbeResult.unhealthy("returned 503"));
    }

    @Test
    void sendsPathQueryAndHostAsHttp11AndClosesTheConnection() throws Exception {
        try (RawServer raw = new RawServer("HTTP/1.1 204 No Content\r\n\r\n")) {
            URI uri = URI.create("http://127.0.0.1:" + raw.port() + "/health/ready?deep=1&x=%20y");

            ProbeResult result = new HttpProbe(uri).probe(TIMEOUT);

            assertThat(result).isEqualTo(ProbeResult.healthy("returned 204"));
            assertThat(raw.request()).startsWith("GET /health/ready?deep=1&x=%20y HTTP/1.1\r\n")
                    .contains("\r\nHost: 127.0.0.1:" + raw.port() + "\r\n")
                    .contains("\r\nConnection: close\r\n").endsWith("\r\n\r\n");
        }
    }

    @Test
    void somethingThatIsNotHttpIsUnhealthySayingSo() throws Exception {
        try (RawServer raw = new RawServer("SSH-2.0-OpenSSH_9.2\r\n")) {
            ProbeResult result = new HttpProbe(URI.create("http://127.0.0.1:" + raw.port() + "/")).probe(TIMEOUT);

            assertThat(result.healthy()).isFalse();
            assertThat(result.observed()).startsWith("failed: not an HTTP status line: 'SSH-2.0-OpenSSH_9.2'");
        }
    }

    @Test
    void anAbortEndsAProbeThatWaitsForAnAnswer() throws Exception {
        server = StubHttpServer.start(request -> StubHttpServer.NEVER_ANSWER);
        Aborts aborts = new Aborts();
        java.util.concurrent.CompletableFuture<ProbeResult> result = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> new HttpProbe(server.uri("/health")).probe(Duration.ofSeconds(30), aborts));
        Thread.sleep(200);

        aborts.abortAll();

        assertThat(result.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(ProbeResult.unhealthy("aborted"));
    }

    /** Accepts one connection, keeps what the client sent up to the blank line, answers {@code response}. */
    private static final class RawServer implements AutoCloseable {
        private final java.net.ServerSocket socket;
        private final java.util.concurrent.CompletableFuture<String> request = new java.util.concurrent.CompletableFuture<>();

        RawServer(String response) throws java.io.IOException {
            socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> {
                try (java.net.Socket client = socket.accept()) {
                    StringBuilder text = new StringBuilder();
                    java.io.InputStream in = client.getInputStream();
                    while (!text.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        text.append((char) b);
                    }
                    request.complete(text.toString());
                    client.getOutputStream().write(response.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    request.completeExceptionally(e);
                }
            }, "raw-http");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        String request() throws Exception {
            return request.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    @Test
    void reportsConnectionRefusedWhenNothingListens() {
        URI uri = URI.create("http://127.0.0.1:" + Ports.freePort() + "/health");

        ProbeResult result = new HttpProbe(uri).probe(TIMEOUT);

        assertThat(result).isEqualTo(ProbeResult.unhealthy("connection refused"));
    }

    @Test
    void givesUpWithinAboutItsTimeoutWhenTheServiceNeverAnswers() {
        server = StubHttpServer.start(request -> StubHttpServer.NEVER_ANSWER);
        long start = System.nanoTime();

        ProbeResult result = new HttpProbe(server.uri("/health")).probe(Duration.ofMillis(300));

        assertThat(result).isEqualTo(ProbeResult.unhealthy("timed out after 300 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void reportsARedirectInsteadOfFollowingIt() {
        server = StubHttpServer.start(request -> 302);

        ProbeResult result = new HttpProbe(server.uri("/health")).probe(TIMEOUT);

        assertThat(result).isEqualTo(ProbeResult.unhealthy("returned 302"));
    }

    @Test
    void forStatusAcceptsOnlyTheNamedCodes() {
        server = StubHttpServer.start(request -> 503);
        HttpProbe any2xx = new HttpProbe(server.uri("/health"));

        assertThat(any2xx.forStatus(503).probe(TIMEOUT)).isEqualTo(ProbeResult.healthy("returned 503"));
        assertThat(any2xx.forStatus(200, 204).probe(TIMEOUT)).isEqualTo(ProbeResult.unhealthy("returned 503"));
        assertThat(any2xx.probe(TIMEOUT).healthy()).isFalse();
    }

    @Test
    void forStatusTakesAPredicateWithItsDescription() {
        server = StubHttpServer.start(request -> 401);
        HttpProbe probe = new HttpProbe(server.uri("/health"))
                .forStatus(code -> code < 300 || code == 401, "2xx or 401");

        assertThat(probe.probe(TIMEOUT)).isEqualTo(ProbeResult.healthy("returned 401"));
        assertThat(probe.expectation()).isEqualTo("return 2xx or 401");
    }

    @Test
    void describesItsTargetAndExpectationForMessages() {
        HttpProbe probe = new HttpProbe(URI.create("http://127.0.0.1:3000/health"));

        assertThat(probe.target()).isEqualTo("GET http://127.0.0.1:3000/health");
        assertThat(probe.expectation()).isEqualTo("return 2xx");
        assertThat(probe.forStatus(200).expectation()).isEqualTo("return 200");
        assertThat(probe.forStatus(204, 200).expectation()).isEqualTo("return 200 or 204");
        assertThat(probe.forStatus(301, 200, 204).expectation()).isEqualTo("return 200, 204 or 301");
    }

    @Test
    void rejectsBadInputAtOnceNamingTheParameter() {
        HttpProbe probe = new HttpProbe(URI.create("http://127.0.0.1:3000/health"));
        assertRejected(() -> new HttpProbe(null), "uri");
        assertRejected(() -> new HttpProbe(URI.create("ftp://127.0.0.1/health")), "uri");
        assertRejected(() -> new HttpProbe(URI.create("/health")), "uri");
        assertRejected(() -> probe.forStatus(), "codes");
        assertRejected(() -> probe.forStatus(42), "codes");
        assertRejected(() -> probe.forStatus(null, "2xx"), "expectedStatus");
        assertRejected(() -> probe.forStatus(code -> true, " "), "description");
        assertRejected(() -> probe.probe(Duration.ZERO), "timeout");
        assertRejected(() -> probe.probe(null), "timeout");
    }

    private static void assertRejected(ThrowingCallable call, String parameter) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(parameter + " ");
    }

    @Test
    void answeredByCountsOnlyAnswersThatNameOneOfTheProcesses() throws Exception {
        com.sun.net.httpserver.HttpServer pids = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicReference<String> header = new java.util.concurrent.atomic.AtomicReference<>("42");
        pids.createContext("/", exchange -> {
            try (exchange) {
                if (header.get() != null) {
                    exchange.getResponseHeaders().add("X-Titan-Pid", header.get());
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        pids.start();
        try {
            HttpProbe probe = new HttpProbe(java.net.URI.create("http://127.0.0.1:" + pids.getAddress().getPort()
                    + "/health"));

            assertThat(probe.answeredBy(java.util.Set.of(42L)).probe(TIMEOUT))
                    .isEqualTo(ProbeResult.healthy("returned 200 from pid 42"));
            assertThat(probe.answeredBy(java.util.Set.of(7L)).probe(TIMEOUT))
                    .isEqualTo(ProbeResult.unhealthy("returned 200 from pid 42, not from pid 7"));
            header.set(null);
            assertThat(probe.answeredBy(java.util.Set.of(42L)).probe(TIMEOUT).observed())
                    .startsWith("returned 200 without an X-Titan-Pid header");
            assertThat(probe.probe(TIMEOUT).healthy()).as("without answeredBy any answer counts").isTrue();
        } finally {
            pids.stop(0);
        }
    }
}
