package io.titan.deploy.pm2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.event.OutputLine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A subscription to the PM2 daemon's {@code pub.sock}, where it publishes {@code [s:topic, j:payload]}
 * for every process event and every line an app logs. Everything is read as it comes (a subscriber
 * that stops reading would make the daemon buffer every log line); {@code process:event}, the
 * apps' output ({@code log:out}, {@code log:err}) and an app's {@code process.send('ready')}
 * ({@code process:msg}) are parsed and handed to the listeners, on the reader thread, in the
 * daemon's order.
 *
 * <p>The socket closing means the daemon is gone: listeners hear it at once through
 * {@link ProcessEvents.Listener#closed(String)}. Before a daemon shuts down of its own accord
 * ({@code pm2 kill}, a SIGTERM) it publishes {@code pm2:kill}, which listeners hear through
 * {@link ProcessEvents.Listener#stopping(String)}: on a SIGTERM it then stops its apps one by one for
 * seconds, its sockets still open.
 */
final class DaemonBus implements ProcessEvents, AutoCloseable {

    private static final int MAX_ARG_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile String closedBecause;
    private volatile String stoppingBecause;

    private DaemonBus(SocketChannel channel) {
        this.channel = channel;
        this.reader = new Thread(this::readLoop, "titan-pm2-bus");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Subscribes to {@code socket}; throws when no daemon listens there. */
    static DaemonBus connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(Pm2Sockets.checkLength(socket)));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new DaemonBus(channel);
    }

    /**
     * Adds a listener. When the daemon already said it is shutting down, or the bus is already
     * closed, the listener hears that at once.
     *
     * @return a handle that removes the listener again
     */
    @Override
    public AutoCloseable listen(Listener listener) {
        listeners.add(listener);
        String stopping = stoppingBecause;
        if (stopping != null) {
            listener.stopping(stopping);
        }
        String closed = closedBecause;
        if (closed != null) {
            listener.closed(closed);
        }
        return () -> listeners.remove(listener);
    }

    boolean isOpen() {
        return closedBecause == null;
    }

    /** Why the bus closed, or null while it is open. */
    String closedBecause() {
        return closedBecause;
    }

    private void readLoop() {
        Amp.Decoder decoder = new Amp.Decoder(MAX_ARG_BYTES);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        String why = "the PM2 daemon closed its event socket (was it killed?)";
        try {
            while (true) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
                buffer.flip();
                for (List<Amp.Arg> message : decoder.feed(buffer)) {
                    dispatch(message);
                }
            }
        } catch (IOException e) {
            why = closedBecause != null ? closedBecause : "reading PM2's event socket failed: " + e.getMessage();
        } catch (RuntimeException e) {
            why = "PM2's event socket sent something that is not an event (" + e.getMessage() + ")";
        }
        shutDown(why);
    }

    private void dispatch(List<Amp.Arg> message) {
        if (message.size() < 2 || !message.get(0).isString() || !message.get(1).isJson()) {
            return;
        }
        String topic = message.get(0).text();
        if (topic.equals("log:out") || topic.equals("log:err")) {
            output(topic.equals("log:out") ? OutputLine.Stream.OUT : OutputLine.Stream.ERR, message.get(1).text());
            return;
        }
        if (topic.equals("pm2:kill")) {
            stopping(message.get(1).text());
            return;
        }
        if (!topic.equals("process:event") && !topic.equals("process:msg")) {
            return;
        }
        ProcessEvent event;
        try {
            JsonNode payload = JSON.readTree(message.get(1).text());
            if (topic.equals("process:msg")) {
                // An app's process.send(...): only its 'ready' (readyMessage, PM2's wait_ready) matters here.
                if (!"ready".equals(payload.path("raw").asText(null))) {
                    return;
                }
                event = ProcessEvent.ready(payload);
            } else {
                event = ProcessEvent.of(payload);
            }
        } catch (JsonProcessingException e) {
            return;
        }
        for (Listener listener : listeners) {
            listener.event(event);
        }
    }

    /** A {@code log:out}/{@code log:err} payload: {@code {process: {name, ...}, at, data}}. */
    private void output(OutputLine.Stream stream, String payload) {
        if (listeners.isEmpty()) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            return;
        }
        String app = node.path("process").path("name").asText("");
        JsonNode data = node.path("data");
        if (app.isEmpty() || !data.isTextual()) {
            return;
        }
        long at = node.path("at").asLong(0);
        Instant when = at > 0 ? Instant.ofEpochMilli(at) : Instant.now();
        for (Listener listener : listeners) {
            listener.output(app, stream, when, data.textValue());
        }
    }

    /** {@code pm2:kill}: {@code {"status":"killed","msg":"pm2 has been killed via CLI"}} (or "by SIGNAL"). */
    private void stopping(String payload) {
        String why;
        try {
            why = JSON.readTree(payload).path("msg").asText("");
        } catch (JsonProcessingException e) {
            why = "";
        }
        synchronized (this) {
            if (stoppingBecause != null) {
                return;
            }
            stoppingBecause = why.isBlank() ? "it announced its shutdown" : why;
        }
        for (Listener listener : listeners) {
            listener.stopping(stoppingBecause);
        }
    }

    private void shutDown(String why) {
        synchronized (this) {
            if (closedBecause != null) {
                return;
            }
            closedBecause = why;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Already broken: nothing left to release.
        }
        for (Listener listener : listeners) {
            listener.closed(why);
        }
    }

    @Override
    public void close() {
        shutDown("closed by this engine");
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
