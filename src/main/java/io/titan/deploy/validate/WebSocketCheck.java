package io.titan.deploy.validate;

import io.titan.deploy.health.Durations;
import io.titan.deploy.health.Aborts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * One exchange WebSocket: one connection, no retry. Passes only on a first data message that meets
 * {@code expect}; an open socket alone proves nothing about market data flowing.
 */
final class WebSocketCheck {

    /** Normal closure (RFC 6455). */
    static final int NORMAL_CLOSURE = 1000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExchangeCheckSpec spec;
    private final OkHttpClient client;
    private final Duration timeout;

    private WebSocketCheck(ExchangeCheckSpec spec, OkHttpClient client, Duration timeout) {
        this.spec = spec;
        this.client = client;
        this.timeout = timeout;
    }

    static PlannedCheck plan(ExchangeCheckSpec spec, OkHttpClient client, Duration timeout) {
        WebSocketCheck check = new WebSocketCheck(spec, client, timeout);
        return new PlannedCheck(spec.name(), CheckResult.Kind.WEBSOCKET, spec.maskedUrl(), spec.required(), timeout,
                check::run);
    }

    private PlannedCheck.Outcome run(Aborts aborts) throws InterruptedException {
        FirstMessage listener = new FirstMessage();
        WebSocket socket = client.newWebSocket(new Request.Builder().url(spec.url()).build(), listener);
        aborts.register(socket::cancel);
        PlannedCheck.Outcome outcome;
        try {
            outcome = listener.outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            socket.cancel();
            return PlannedCheck.Outcome.failed(listener.opened
                    ? "connected but no data within " + Durations.format(timeout)
                    : "no upgrade response within " + Durations.format(timeout));
        } catch (ExecutionException e) {
            socket.cancel();
            return PlannedCheck.Outcome.failed("listener failed: " + Texts.describe(e.getCause(), List.of()));
        }
        if (outcome.success()) {
            // Close politely and briefly wait for the server's close frame: exchanges treat abrupt
            // disconnects worse than clean ones. The verdict does not depend on it.
            socket.close(NORMAL_CLOSURE, "titan validation done");
            if (!listener.closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                socket.cancel();
            }
        } else {
            socket.cancel();
        }
        return outcome;
    }

    /** Judges the first data message against {@code expect} (see {@link ExchangeCheckSpec}). */
    static PlannedCheck.Outcome judge(String expect, String message) {
        String shown = abbreviate(message);
        if (expect == null) {
            return PlannedCheck.Outcome.passed("first message: " + shown);
        }
        if (expect.startsWith("$.")) {
            JsonNode node;
            try {
                node = JSON.readTree(message);
            } catch (JsonProcessingException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                return PlannedCheck.Outcome.failed("unexpected first message: expected a JSON object with field "
                        + expect + ", got " + shown);
            }
            for (String field : expect.substring(2).split("\\.", -1)) {
                if (node == null || !node.isObject() || !node.has(field)) {
                    return PlannedCheck.Outcome.failed("unexpected first message: expected field " + expect
                            + ", got " + shown);
                }
                node = node.get(field);
            }
            return PlannedCheck.Outcome.passed("first message has " + expect + ": " + shown);
        }
        return message.contains(expect)
                ? PlannedCheck.Outcome.passed("first message contains '" + expect + "': " + shown)
                : PlannedCheck.Outcome.failed("unexpected first message: expected it to contain '" + expect
                        + "', got " + shown);
    }

    private static String abbreviate(String message) {
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }

    /** Turns OkHttp callbacks into one outcome; later callbacks cannot change it. */
    private final class FirstMessage extends WebSocketListener {

        final CompletableFuture<PlannedCheck.Outcome> outcome = new CompletableFuture<>();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile boolean opened;

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            opened = true;
            if (spec.subscribe() != null) {
                webSocket.send(spec.subscribe());
            }
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            outcome.complete(judge(spec.expect(), text));
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            outcome.complete(judge(spec.expect(), bytes.utf8()));
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            outcome.complete(PlannedCheck.Outcome.failed("closed by server before any data (code " + code
                    + (reason.isEmpty() ? "" : ", reason '" + abbreviate(reason) + "'") + ")"));
            // Answer the close frame so both sides finish the closing handshake.
            webSocket.close(NORMAL_CLOSURE, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            closed.countDown();
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            closed.countDown();
            if (!opened && response != null) {
                outcome.complete(PlannedCheck.Outcome.failed("upgrade rejected: HTTP " + response.code()
                        + ", expected 101 Switching Protocols"));
            } else if (!opened) {
                String message = String.valueOf(t.getMessage());
                outcome.complete(PlannedCheck.Outcome.failed(message.contains("refused")
                        ? "connection refused"
                        : "connection failed: " + Texts.describe(t, List.of())));
            } else {
                outcome.complete(PlannedCheck.Outcome.failed("connection lost before any data: "
                        + Texts.describe(t, List.of())));
            }
        }
    }
}
