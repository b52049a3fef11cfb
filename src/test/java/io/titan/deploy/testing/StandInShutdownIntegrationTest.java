package io.titan.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in shuts down as a Titan service must for a reload without a failed request: on SIGINT
 * it stops accepting, answers the request in flight (telling the client to close), then exits 0.
 */
@Integration
class StandInShutdownIntegrationTest {

    private Process node;

    @AfterEach
    void stop() {
        if (node != null && node.isAlive()) {
            node.destroyForcibly();
        }
    }

    @Test
    void onSigintItStopsAcceptingAnswersTheRequestInFlightThenExits() throws Exception {
        int port = Sandbox.freePort();
        ProcessBuilder pb = new ProcessBuilder("node", Sandbox.STAND_IN.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PORT", Integer.toString(port));
        node = pb.start();
        try (Socket client = connectWhenListening(port)) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            // An answer on this connection first: the service has the connection, not only the kernel.
            send(out, "/health");
            assertThat(read(in)).startsWith("HTTP/1.1 200").contains("X-Titan-Pid: " + node.pid())
                    .contains("Connection: keep-alive");
            send(out, "/slow?ms=800");
            Runtime.getRuntime().exec(new String[] {"kill", "-INT", Long.toString(node.pid())}).waitFor();

            String answer = read(in);

            assertThat(answer).as("the request in flight is answered, and the client told to close")
                    .startsWith("HTTP/1.1 200").contains("Connection: close").endsWith("{\"slept\":800}");
        }
        assertThat(node.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).isZero();
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000))
                .isInstanceOf(ConnectException.class);
    }

    private static Socket connectWhenListening(int port) throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(10_000);
                return socket;
            } catch (IOException e) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Never connected: nothing to close.
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the stand-in never listened on " + port);
    }

    private static void send(OutputStream out, String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One answer: its head, and its body by Content-Length. */
    private static String read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before an answer: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
