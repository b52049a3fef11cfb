package io.titan.deploy.validate;

import io.titan.deploy.health.ProbeResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One {@code GET} against a health URL, healthy on 2xx. Minimal on purpose: the health package's
 * {@code HttpProbe} is meant to replace it. Uses the JDK client so a spec can be built before any
 * validator (and its OkHttp client) exists.
 */
final class HttpCheckProbe implements AbortableProbe {

    private final URI url;

    HttpCheckProbe(URI url) {
        this.url = Objects.requireNonNull(url, "url is required");
        if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("health url must be http:// or https://, was " + url.getScheme());
        }
    }

    @Override
    public String target() {
        return "GET " + url;
    }

    @Override
    public ProbeResult probe(Duration timeout, Aborts aborts) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection();
            HttpURLConnection toAbort = connection;
            aborts.register(toAbort::disconnect);
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            // One attempt per run: a pooled keep-alive socket would outlive the run for nothing.
            connection.setRequestProperty("Connection", "close");
            int status = connection.getResponseCode();
            drain(connection, status);
            return status >= 200 && status < 300
                    ? ProbeResult.healthy("returned " + status)
                    : ProbeResult.unhealthy("returned " + status + ", expected 2xx");
        } catch (SocketTimeoutException e) {
            return ProbeResult.unhealthy("no response within " + Texts.human(timeout));
        } catch (ConnectException e) {
            return ProbeResult.unhealthy(refusedOr(e));
        } catch (UnknownHostException e) {
            return ProbeResult.unhealthy("unknown host " + url.getHost());
        } catch (IOException e) {
            return ProbeResult.unhealthy(aborts.aborted() ? "aborted" : "request failed: " + Texts.describe(e, List.of()));
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static void drain(HttpURLConnection connection, int status) {
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.readNBytes(64 * 1024);
            }
        } catch (IOException e) {
            // The status is the verdict; a body cut short does not change it.
        }
    }

    private static String refusedOr(ConnectException e) {
        return TcpCheckProbe.refusedOr(e);
    }
}
