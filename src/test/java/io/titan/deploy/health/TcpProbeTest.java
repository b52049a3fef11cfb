package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpProbeTest {

    private ServerSocket listener;

    @AfterEach
    void closeListener() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void isHealthyWhenTheConnectionIsAccepted() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        ProbeResult result = new TcpProbe("127.0.0.1", listener.getLocalPort()).probe(Duration.ofSeconds(2));

        assertThat(result).isEqualTo(ProbeResult.healthy("accepted a connection"));
    }

    @Test
    void reportsConnectionRefusedWhenNothingListens() {
        ProbeResult result = new TcpProbe("127.0.0.1", Ports.freePort()).probe(Duration.ofSeconds(2));

        assertThat(result).isEqualTo(ProbeResult.unhealthy("connection refused"));
    }

    @Test
    void describesItsTargetAndExpectationForMessages() {
        assertThat(new TcpProbe("127.0.0.1", 3001).target()).isEqualTo("tcp 127.0.0.1:3001");
        assertThat(new TcpProbe("::1", 3001).target()).isEqualTo("tcp [::1]:3001");
        assertThat(new TcpProbe("127.0.0.1", 3001).expectation()).isEqualTo("accept a connection");
    }

    @Test
    void rejectsBadInputAtOnceNamingTheParameter() {
        assertRejected(() -> new TcpProbe(null, 3001), "host");
        assertRejected(() -> new TcpProbe("", 3001), "host");
        assertRejected(() -> new TcpProbe("127.0.0.1", 0), "port");
        assertRejected(() -> new TcpProbe("127.0.0.1", 65_536), "port");
        assertRejected(() -> new TcpProbe("127.0.0.1", 3001).probe(Duration.ofMillis(-5)), "timeout");
    }

    private static void assertRejected(ThrowingCallable call, String parameter) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(parameter + " ");
    }
}
