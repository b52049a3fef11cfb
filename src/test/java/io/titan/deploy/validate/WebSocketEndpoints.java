package io.titan.deploy.validate;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * mockwebserver3 WebSocket endpoints, by path:
 * <ul>
 *   <li>{@code /answer/<delayMs>?m=<text>}: upgrades, receives the optional subscribe message, and
 *       sends {@code text} after the delay;</li>
 *   <li>{@code /echo}: upgrades and answers the first message it receives with that message;</li>
 *   <li>{@code /silent}: upgrades and never sends anything;</li>
 *   <li>{@code /reject}: answers 403 instead of upgrading;</li>
 *   <li>{@code /close}: upgrades and closes at once with 1001 "going away".</li>
 * </ul>
 * Every server-side socket answers close frames: mockwebserver3 waits for its sockets on shutdown.
 */
final class WebSocketEndpoints implements AutoCloseable {

    private final MockWebServer server = new MockWebServer();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ws-endpoints-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, AtomicInteger> upgrades = new ConcurrentHashMap<>();
    private final List<Integer> clientCloseCodes = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<WebSocket> open = new CopyOnWriteArrayList<>();

    WebSocketEndpoints() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                upgrades.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                if (path.equals("/reject")) {
                    return new MockResponse.Builder().code(403).body("forbidden").build();
                }
                String message = request.getUrl().queryParameter("m");
                long delay = path.startsWith("/answer/") ? Long.parseLong(path.substring("/answer/".length())) : 0;
                return new MockResponse.Builder().webSocketUpgrade(new ServerSide(path, message, delay)).build();
            }
        });
        server.start();
    }

    /** {@code ws://127.0.0.1:PORT/path}. */
    String url(String pathAndQuery) {
        return "ws://127.0.0.1:" + server.getPort() + pathAndQuery;
    }

    /** How many upgrade requests arrived on {@code path}. */
    int upgradeCount(String path) {
        AtomicInteger count = upgrades.get(path);
        return count == null ? 0 : count.get();
    }

    /** Close codes the clients sent. */
    List<Integer> clientCloseCodes() {
        return clientCloseCodes;
    }

    /** Text messages the clients sent. */
    List<String> received() {
        return received;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        // Sockets a test left open (silent endpoints cut off by a bound) would stall shutdown.
        // Server-side sockets cannot cancel(); a close frame is the polite way out.
        open.forEach(socket -> socket.close(1001, "server shutting down"));
        server.close();
    }

    private final class ServerSide extends WebSocketListener {
        private final String path;
        private final String message;
        private final long delayMillis;

        ServerSide(String path, String message, long delayMillis) {
            this.path = path;
            this.message = message;
            this.delayMillis = delayMillis;
        }

        @Override
        public void onOpen(WebSocket webSocket, okhttp3.Response response) {
            open.add(webSocket);
            if (path.equals("/close")) {
                webSocket.close(1001, "going away");
            } else if (path.startsWith("/answer/")) {
                timer.schedule(() -> webSocket.send(message), delayMillis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            received.add(text);
            if (path.equals("/echo")) {
                webSocket.send(text);
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            clientCloseCodes.add(code);
            webSocket.close(code, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            open.remove(webSocket);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, okhttp3.Response response) {
            open.remove(webSocket);
        }
    }
}
