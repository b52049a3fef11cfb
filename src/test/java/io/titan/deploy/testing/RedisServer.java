package io.titan.deploy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} on a free loopback port, with no persistence, killed on
 * {@link #close()}. Needs {@code redis-server}
 * on the PATH ({@code apt-get install -y redis-server}).
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts a server without a password. */
    public static RedisServer start() throws IOException, InterruptedException {
        return start(null);
    }

    /** Starts a server, with {@code --requirepass} when {@code password} is not null; waits until it answers. */
    public static RedisServer start(String password) throws IOException, InterruptedException {
        int port = Sandbox.freePort();
        Path dir = Files.createTempDirectory("titan-redis-");
        List<String> command = new ArrayList<>(List.of("redis-server",
                "--save", "", "--appendonly", "no", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--daemonize", "no"));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        RedisServer server = new RedisServer(process, port, dir);
        try {
            server.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** {@code redis://127.0.0.1:PORT/0}. */
    public URI url() {
        return URI.create("redis://127.0.0.1:" + port + "/0");
    }

    /** {@code redis://[user]:password@127.0.0.1:PORT/0}. */
    public URI url(String user, String password) {
        return URI.create("redis://" + (user == null ? "" : user) + ":" + password + "@127.0.0.1:" + port + "/0");
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("redis.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                socket.setSoTimeout(500);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                int first = in.read();
                // +PONG, or -NOAUTH from a server with a password: either way it is serving.
                if (first == '+' || first == '-') {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException("redis-server on port " + port + " did not answer within " + STARTUP);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp dir is harmless.
        }
    }
}
