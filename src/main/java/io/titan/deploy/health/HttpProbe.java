package io.titan.deploy.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * One {@code GET} per probe; healthy when the status code meets the expectation (any 2xx unless
 * {@link #forStatus} says otherwise). Redirects are not followed: a health endpoint that redirects
 * is reported as {@code returned 302}, not silently judged by another URL. Immutable.
 *
 * <p>{@code http://} is spoken directly over a socket (HTTP/1.1, {@code Connection: close}, the
 * status line is the verdict): a health check runs in a CLI process that lives seconds, and the
 * JDK's HTTP client costs half a second to set up there. {@code https://} goes through
 * {@link HttpURLConnection}. No proxy is ever used: health checks target the services themselves.
 */
public final class HttpProbe implements HealthProbe {

    /** A status line longer than this is not HTTP. */
    private static final int MAX_STATUS_LINE = 8 * 1024;

    private static final IntPredicate ANY_2XX = code -> code >= 200 && code < 300;

    /**
     * The header in which a cluster worker's health answer names the process that answered: on a
     * shared port, only it tells a new worker's answer from an old worker's.
     */
    public static final String WORKER_HEADER = "X-Titan-Pid";
    /** Headers longer than this are not a health answer's. */
    private static final int MAX_HEADERS = 16 * 1024;

    private final URI uri;
    private final IntPredicate expectedStatus;
    private final String statusDescription;
    /** The processes whose answers count, or null when any answer does. */
    private final Set<Long> workers;

    /**
     * A probe of {@code uri} that expects any 2xx.
     *
     * @throws IllegalArgumentException unless {@code uri} is an absolute http or https URI with a host
     */
    public HttpProbe(URI uri) {
        this(checkUri(uri, "uri"), ANY_2XX, "2xx", null);
    }

    private HttpProbe(URI uri, IntPredicate expectedStatus, String statusDescription, Set<Long> workers) {
        this.uri = uri;
        this.expectedStatus = expectedStatus;
        this.statusDescription = statusDescription;
        this.workers = workers;
    }

    /**
     * A copy that counts only answers from the processes {@code pids}, as their {@value #WORKER_HEADER}
     * header says: the workers of a cluster service share one port, and a new worker is proven only
     * by an answer of its own. An answer without the header, or from another process, counts as not
     * healthy: what cannot be told apart is not taken as proof.
     *
     * @throws IllegalArgumentException if {@code pids} is empty
     */
    public HttpProbe answeredBy(Set<Long> pids) {
        if (Checks.notNull(pids, "pids").isEmpty()) {
            throw new IllegalArgumentException("pids must name at least one process");
        }
        return new HttpProbe(uri, expectedStatus, statusDescription, Set.copyOf(pids));
    }

    static URI checkUri(URI uri, String name) {
        Checks.notNull(uri, name);
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URI with a host, was " + uri);
        }
        return uri;
    }

    /**
     * A copy that is healthy only for the given status codes: {@code forStatus(200, 204)}.
     *
     * @throws IllegalArgumentException if no code is given or one is outside 100..599
     */
    public HttpProbe forStatus(int... codes) {
        Checks.notNull(codes, "codes");
        if (codes.length == 0) {
            throw new IllegalArgumentException("codes must name at least one status code");
        }
        int[] sorted = Arrays.stream(codes).sorted().distinct().toArray();
        for (int code : sorted) {
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("codes must be HTTP status codes (100..599), got " + code);
            }
        }
        return new HttpProbe(uri, code -> Arrays.binarySearch(sorted, code) >= 0, describe(sorted), workers);
    }

    /**
     * A copy that is healthy when {@code expectedStatus} accepts the status code.
     *
     * @param description how messages name the expectation, e.g. {@code 2xx or 401}
     */
    public HttpProbe forStatus(IntPredicate expectedStatus, String description) {
        return new HttpProbe(uri, Checks.notNull(expectedStatus, "expectedStatus"),
                Checks.notBlank(description, "description"), workers);
    }

    private static String describe(int[] codes) {
        if (codes.length == 1) {
            return Integer.toString(codes[0]);
        }
        String head = Arrays.stream(codes, 0, codes.length - 1)
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
        return head + " or " + codes[codes.length - 1];
    }

    /** The probed URI. */
    public URI uri() {
        return uri;
    }

    /** The expectation as a verb phrase for messages: {@code return 2xx}, {@code return 200 or 204}. */
    public String expectation() {
        return "return " + statusDescription;
    }

    /**
     * Sends one {@code GET} and waits at most {@code timeout} for the status line, connecting
     * included. Never throws for an unhealthy target.
     *
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    @Override
    public ProbeResult probe(Duration timeout) {
        return probe(timeout, new Aborts());
    }

    /** {@link #probe(Duration)}, with its socket registered in {@code aborts}. */
    @Override
    public ProbeResult probe(Duration timeout, Aborts aborts) {
        Checks.positive(timeout, "timeout");
        try {
            Answer answer = "https".equalsIgnoreCase(uri.getScheme()) ? viaUrlConnection(timeout, aborts)
                    : viaSocket(timeout, aborts);
            String observed = "returned " + answer.status();
            if (!expectedStatus.test(answer.status())) {
                return ProbeResult.unhealthy(observed);
            }
            if (workers == null) {
                return ProbeResult.healthy(observed);
            }
            if (answer.pid() == null) {
                return ProbeResult.unhealthy(observed + " without an " + WORKER_HEADER + " header, so which worker"
                        + " answered is unknown (a cluster service's health answer must carry its process.pid)");
            }
            return workers.contains(answer.pid()) ? ProbeResult.healthy(observed + " from pid " + answer.pid())
                    : ProbeResult.unhealthy(observed + " from pid " + answer.pid() + ", not from " + pids());
        } catch (SocketTimeoutException e) {
            return ProbeResult.unhealthy("timed out after " + Durations.format(timeout));
        } catch (ConnectException e) {
            String message = String.valueOf(e.getMessage());
            return ProbeResult.unhealthy(message.contains("refused") || message.equals("null")
                    ? "connection refused" : "connect failed: " + message);
        } catch (UnknownHostException e) {
            return ProbeResult.unhealthy("unknown host " + uri.getHost());
        } catch (IOException e) {
            return ProbeResult.unhealthy(aborts.aborted() ? "aborted"
                    : "failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }

    private String pids() {
        return workers.size() == 1 ? "pid " + workers.iterator().next()
                : "pids " + workers.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** A status code, and the pid the worker header names when it was asked for and given. */
    private record Answer(int status, Long pid) {
    }

    private Answer viaSocket(Duration timeout, Aborts aborts) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            aborts.register(socket);
            socket.connect(new InetSocketAddress(host, port), millisLeft(deadline));
            socket.setSoTimeout(millisLeft(deadline));
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            String request = "GET " + path + query + " HTTP/1.1\r\nHost: " + uri.getRawAuthority()
                    + "\r\nUser-Agent: titan-deploy\r\nAccept: */*\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            int status = status(readLine(in, socket, deadline, MAX_STATUS_LINE, "a status line"));
            return new Answer(status, workers == null ? null : workerPid(in, socket, deadline));
        }
    }

    /** The worker header's pid among the headers that follow the status line, or null when none says. */
    private static Long workerPid(InputStream in, Socket socket, long deadline) throws IOException {
        int read = 0;
        while (read < MAX_HEADERS) {
            String line = readLine(in, socket, deadline, MAX_HEADERS, "the end of the headers");
            if (line.isEmpty()) {
                return null;
            }
            read += line.length() + 2;
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(WORKER_HEADER)) {
                return parsePid(line.substring(colon + 1));
            }
        }
        return null;
    }

    private static Long parsePid(String value) {
        String text = value == null ? "" : value.trim();
        return text.matches("[0-9]{1,18}") ? Long.valueOf(text) : null;
    }

    private static String readLine(InputStream in, Socket socket, long deadline, int max, String what) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < max) {
            socket.setSoTimeout(millisLeft(deadline));
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before " + what + " (" + line.length() + " bytes)");
            }
            if (b == '\n') {
                return line.toString().strip();
            }
            line.append((char) b);
        }
        throw new IOException("no " + what + " in the first " + max + " bytes");
    }

    private static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("not an HTTP status line: '" + statusLine.substring(0, Math.min(60, statusLine.length()))
                    + "'");
        }
        return Integer.parseInt(parts[1]);
    }

    private Answer viaUrlConnection(Duration timeout, Aborts aborts) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        aborts.register(connection::disconnect);
        try {
            int millis = millisLeft(System.nanoTime() + timeout.toNanos());
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty("Connection", "close");
            int status = connection.getResponseCode();
            return new Answer(status, workers == null ? null : parsePid(connection.getHeaderField(WORKER_HEADER)));
        } finally {
            connection.disconnect();
        }
    }

    /** Time left until {@code deadline}, at least 1 ms: 0 means "wait forever" to a socket. */
    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (nanos + 999_999) / 1_000_000));
    }

    /** {@code GET http://127.0.0.1:3000/health}. */
    @Override
    public String target() {
        return "GET " + uri;
    }

    @Override
    public String toString() {
        return target() + " expecting " + statusDescription;
    }
}
