package io.titan.deploy.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A constant stream of {@code GET}s to one loopback port from a few client threads, each counting
 * what it got: an answer 200, or a failed request (no answer, a broken connection, another
 * status). With keep-alive, a client sends its next request on the same connection, and opens a
 * new one only when the server said {@code Connection: close} or the connection broke (which
 * counts); without, every request has a connection of its own. Bounded: {@link #close()} ends it,
 * and so does {@link #MAX_REQUESTS}.
 */
public final class LoadLoop implements AutoCloseable {

    /** A safety bound on what one loop sends, so that a forgotten loop stops by itself. */
    public static final long MAX_REQUESTS = 2_000_000;

    private final int port;
    private final String path;
    private final boolean keepAlive;
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> bodies = Collections.synchronizedMap(new TreeMap<>());
    private final Object lock = new Object();
    private long ok;
    private long failed;
    private volatile boolean stopped;

    private LoadLoop(int port, String path, boolean keepAlive) {
        this.port = port;
        this.path = path;
        this.keepAlive = keepAlive;
    }

    /** Starts {@code clients} client threads against {@code 127.0.0.1:port}. */
    public static LoadLoop start(int port, String path, boolean keepAlive, int clients) {
        LoadLoop loop = new LoadLoop(port, path, keepAlive);
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(loop::client, "load-" + port + "-" + i);
            thread.setDaemon(true);
            loop.threads.add(thread);
            thread.start();
        }
        return loop;
    }

    private void client() {
        Socket socket = null;
        InputStream in = null;
        while (!stopped && total() < MAX_REQUESTS) {
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    socket.setSoTimeout(5000);
                    in = new BufferedInputStream(socket.getInputStream());
                }
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: "
                        + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Response response = read(in);
                if (response.status == 200) {
                    ok(response.body);
                } else {
                    fail("status " + response.status);
                }
                if (!keepAlive || response.close) {
                    socket.close();
                    socket = null;
                }
            } catch (IOException e) {
                if (!stopped) {
                    fail(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                closeQuietly(socket);
                socket = null;
            }
        }
        closeQuietly(socket);
    }

    private record Response(int status, boolean close, String body) {
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        int length = 0;
        boolean close = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed in the middle of a body");
        }
        return new Response(status, close, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before an answer");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private void ok(String body) {
        bodies.merge(body, 1L, Long::sum);
        synchronized (lock) {
            ok++;
            lock.notifyAll();
        }
    }

    private void fail(String why) {
        if (failures.size() < 20) {
            failures.add(why);
        }
        synchronized (lock) {
            failed++;
            lock.notifyAll();
        }
    }

    private long total() {
        synchronized (lock) {
            return ok + failed;
        }
    }

    /** Requests answered 200 so far. */
    public long ok() {
        synchronized (lock) {
            return ok;
        }
    }

    /** Requests that failed so far. */
    public long failed() {
        synchronized (lock) {
            return failed;
        }
    }

    /** The first failures, in words. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** How many times each body was answered. */
    public Map<String, Long> bodies() {
        synchronized (bodies) {
            return Map.copyOf(bodies);
        }
    }

    /**
     * Waits until {@code more} further requests were answered 200, so that the stream runs on both
     * sides of what a test does. Gives up after a minute (a stream that stopped answering altogether).
     */
    public void awaitMoreOk(long more) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        synchronized (lock) {
            long target = ok + more;
            while (ok < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the load got " + ok + " answers, not " + target + " (failed "
                            + failed + ": " + failures + ")");
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /** Stops every client and waits for them. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a broken socket: nothing to release.
            }
        }
    }

    @Override
    public String toString() {
        return (keepAlive ? "keep-alive" : "a connection per request") + " load on " + port + path + ": " + ok()
                + " answered, " + failed() + " failed " + failures();
    }
}
