package io.titan.deploy.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * One {@code GET} per probe; healthy when the status code meets the expectation (any 2xx unless
 * {@link #forStatus} says otherwise). Redirects are not followed: a health endpoint that redirects
 * is reported as {@code returned 302}, not silently judged by another URL. Immutable.
 */
public final class HttpProbe implements HealthProbe {

    // One client for all probes: it owns a selector thread and a connection pool, both too costly
    // to build per probe. Loopback health checks must never go through a configured proxy.
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();

    private static final IntPredicate ANY_2XX = code -> code >= 200 && code < 300;

    private final URI uri;
    private final IntPredicate expectedStatus;
    private final String statusDescription;

    /**
     * A probe of {@code uri} that expects any 2xx.
     *
     * @throws IllegalArgumentException unless {@code uri} is an absolute http or https URI with a host
     */
    public HttpProbe(URI uri) {
        this(checkUri(uri, "uri"), ANY_2XX, "2xx");
    }

    private HttpProbe(URI uri, IntPredicate expectedStatus, String statusDescription) {
        this.uri = uri;
        this.expectedStatus = expectedStatus;
        this.statusDescription = statusDescription;
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
        return new HttpProbe(uri, code -> Arrays.binarySearch(sorted, code) >= 0, describe(sorted));
    }

    /**
     * A copy that is healthy when {@code expectedStatus} accepts the status code.
     *
     * @param description how messages name the expectation, e.g. {@code 2xx or 401}
     */
    public HttpProbe forStatus(IntPredicate expectedStatus, String description) {
        return new HttpProbe(uri, Checks.notNull(expectedStatus, "expectedStatus"),
                Checks.notBlank(description, "description"));
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
     * included. Never throws for an unhealthy target; an interruption comes back as
     * {@code interrupted} with the thread's interrupt flag set again.
     *
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    @Override
    public ProbeResult probe(Duration timeout) {
        Checks.positive(timeout, "timeout");
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(timeout).build();
        CompletableFuture<HttpResponse<Void>> response =
                CLIENT.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            // The request timeout alone may not cover connecting on every JDK; this bound does.
            int status = response.get(timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
            String observed = "returned " + status;
            return expectedStatus.test(status) ? ProbeResult.healthy(observed) : ProbeResult.unhealthy(observed);
        } catch (TimeoutException e) {
            response.cancel(true);
            return timedOut(timeout);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return ProbeResult.unhealthy("interrupted");
        } catch (ExecutionException e) {
            return failure(e.getCause(), timeout);
        }
    }

    private static ProbeResult failure(Throwable cause, Duration timeout) {
        if (cause instanceof HttpTimeoutException) {
            return timedOut(timeout);
        }
        if (cause instanceof ConnectException) {
            return ProbeResult.unhealthy("connection refused");
        }
        if (cause instanceof IOException && cause.getMessage() != null) {
            return ProbeResult.unhealthy("failed: " + cause.getMessage());
        }
        return ProbeResult.unhealthy("failed: " + cause);
    }

    private static ProbeResult timedOut(Duration timeout) {
        return ProbeResult.unhealthy("timed out after " + Durations.format(timeout));
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
