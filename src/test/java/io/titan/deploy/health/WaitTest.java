package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The factories' strategies against real servers on 127.0.0.1. Time bounds here are loose upper
 * bounds that only prove a wait did not sit out its whole timeout.
 */
class WaitTest {

    private StubHttpServer server;
    private CompletableFuture<ServerSocket> lateListener;

    @AfterEach
    void stopServers() throws Exception {
        if (server != null) {
            server.close();
        }
        if (lateListener != null) {
            lateListener.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void waitsThroughA503UntilTheServiceAnswers200() {
        server = StubHttpServer.start(request -> request <= 3 ? 503 : 200);

        Wait.forHttp(server.uri("/health")).withStartupTimeout(Duration.ofSeconds(10)).waitUntilReady();

        assertThat(server.requests()).isEqualTo(4);
    }

    @Test
    void timesOutAgainstAServiceThatAlwaysAnswers503() {
        server = StubHttpServer.start(request -> 503);
        String url = server.uri("/health").toString();

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> Wait.forHttp(url).withStartupTimeout(Duration.ofMillis(600)).waitUntilReady());

        assertThat(timeout.getMessage())
                .startsWith("GET " + url + " did not return 2xx within 600 ms (last: returned 503 after ")
                .endsWith(" attempts)");
        assertThat(timeout.target()).isEqualTo("GET " + url);
        assertThat(timeout.lastObserved()).isEqualTo("returned 503");
        assertThat(timeout.attempts()).isGreaterThan(1);
    }

    @Test
    void namesTheExpectedStatusWhenOneIsGiven() {
        server = StubHttpServer.start(request -> 200);

        assertThatThrownBy(() -> Wait.forHttp(new HttpProbe(server.uri("/ready")).forStatus(204))
                        .withStartupTimeout(Duration.ofMillis(300))
                        .waitUntilReady())
                .isInstanceOf(HealthCheckTimeoutException.class)
                .hasMessageContaining("did not return 204 within 300 ms (last: returned 200 after ");
    }

    @Test
    void anAttemptAgainstAServiceThatNeverAnswersEndsAtTheAttemptTimeout() {
        server = StubHttpServer.start(request -> StubHttpServer.NEVER_ANSWER);
        long start = System.nanoTime();

        HealthCheckTimeoutException timeout = catchThrowableOfType(HealthCheckTimeoutException.class,
                () -> Wait.forHttp(server.uri("/health"))
                        .withStartupTimeout(Duration.ofSeconds(1))
                        .withAttemptTimeout(Duration.ofMillis(300))
                        .waitUntilReady());

        assertThat(timeout.lastObserved()).startsWith("timed out after ");
        assertThat(timeout.attempts()).isGreaterThanOrEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void waitsForAPortThatOpensLate() {
        int port = Ports.freePort();
        lateListener = CompletableFuture.supplyAsync(() -> listenAfter(Duration.ofMillis(300), port));

        Wait.forTcp("127.0.0.1", port).withStartupTimeout(Duration.ofSeconds(10)).waitUntilReady();

        assertThat(lateListener).isCompleted();
    }

    @Test
    void timesOutOnAPortThatNeverOpensSayingWhatWasExpectedAndSeen() {
        int port = Ports.freePort();

        assertThatThrownBy(() -> Wait.forTcp("127.0.0.1", port).withStartupTimeout(Duration.ofMillis(500)).waitUntilReady())
                .isInstanceOf(HealthCheckTimeoutException.class)
                .hasMessageMatching("tcp 127\\.0\\.0\\.1:" + port
                        + " did not accept a connection within 500 ms \\(last: connection refused after \\d+ attempts\\)");
    }

    @Test
    void abortCheckStopsWaitingForARealServiceAtOnce() {
        server = StubHttpServer.start(request -> 503);
        long start = System.nanoTime();

        assertThatThrownBy(() -> Wait.forHttp(server.uri("/health"))
                        .withAbortCheck(() -> server.requests() >= 2
                                ? Optional.of("titan-brain errored in pm2 after 2 restarts")
                                : Optional.empty())
                        .waitUntilReady())
                .isInstanceOf(HealthCheckFailedException.class)
                .hasMessage("stopped waiting for GET " + server.uri("/health")
                        + ": titan-brain errored in pm2 after 2 restarts");

        assertThat(server.requests()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    private static ServerSocket listenAfter(Duration delay, int port) {
        try {
            Thread.sleep(delay.toMillis());
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
