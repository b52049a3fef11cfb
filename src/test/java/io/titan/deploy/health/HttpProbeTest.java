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
}
