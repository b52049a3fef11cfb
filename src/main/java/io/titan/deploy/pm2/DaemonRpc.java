package io.titan.deploy.pm2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request/reply connection to the PM2 daemon's {@code rpc.sock} (axon req/rep with PM2's RPC
 * on top). A call is the message {@code [j:{"type":"call","method":M,"args":[...]}, s:ID]}; the
 * reply {@code [j:{"args":[...]}, s:ID]} or {@code [j:{"error":...}, s:ID]} may come in any order,
 * so replies are matched by id and any number of calls may be in flight.
 *
 * <p>When the socket closes (the daemon was killed) every pending call fails at once, and so does
 * every later call: a new connection is the caller's business.
 *
 * <p>Replies can hold every app's environment, secrets included: nothing here puts a reply's
 * content into a message.
 */
final class DaemonRpc implements AutoCloseable {

    /** A {@code getMonitorData} of many apps runs to megabytes; anything past this is not PM2. */
    private static final int MAX_ARG_BYTES = 256 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong CONNECTIONS = new AtomicLong();

    private final Path socket;
    private final SocketChannel channel;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Thread reader;
    /** One thread, so frames go out whole and in the order they were sent. */
    private final ExecutorService writer;
    private volatile String closedBecause;

    private record Pending(String method, CompletableFuture<JsonNode> reply) {
    }

    private DaemonRpc(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.idPrefix = "titan-" + ProcessHandle.current().pid() + "-" + CONNECTIONS.incrementAndGet() + ":";
        this.writer = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "titan-pm2-rpc-writer");
            thread.setDaemon(true);
            return thread;
        });
        this.reader = new Thread(this::readLoop, "titan-pm2-rpc");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Connects to {@code socket}.
     *
     * @throws IOException when nothing listens there (no daemon) or the socket cannot be reached
     */
    static DaemonRpc connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(Pm2Sockets.checkLength(socket)));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new DaemonRpc(socket, channel);
    }

    /** Whether the connection is still open. */
    boolean isOpen() {
        return closedBecause == null;
    }

    /**
     * Calls {@code method} and waits for its reply.
     *
     * @param args    the method's arguments (the daemon's callback is added by the daemon)
     * @param timeout how long to wait for the reply
     * @return the reply's {@code args} array: PM2 methods answer {@code cb(null, result)}, so the
     *         result is element 0
     * @throws Pm2Exception naming the method: the daemon's error, a timeout, or the connection closing
     */
    JsonNode call(String method, Duration timeout, Object... args) {
        return await(send(method, args), method, timeout);
    }

    /**
     * Waits for a reply {@link #send} returned.
     *
     * @throws Pm2Exception naming the method: the daemon's error, a timeout, or the connection closing
     */
    JsonNode await(CompletableFuture<JsonNode> reply, String method, Duration timeout) {
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reply.cancel(false);
            throw new Pm2Exception("PM2 daemon (" + socket.getParent() + ") did not answer " + method + " within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Pm2Exception("interrupted while waiting for the PM2 daemon to answer " + method, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Pm2Exception pm2) {
                throw new Pm2Exception(pm2.getMessage(), pm2);
            }
            throw new Pm2Exception(method + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Sends a call whose reply nobody waits for ({@code killMe} never replies). Fails only when
     * the connection is already closed.
     */
    void callNoReply(String method, Object... args) {
        send(method, args).cancel(false);
    }

    /** Sends a call; the future completes with the reply's args, or fails with a {@link Pm2Exception}. */
    CompletableFuture<JsonNode> send(String method, Object... args) {
        String id = idPrefix + ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        ObjectNode request = JSON.createObjectNode();
        request.put("type", "call");
        request.put("method", method);
        ArrayNode array = request.putArray("args");
        for (Object arg : args) {
            array.add(JSON.valueToTree(arg));
        }
        byte[] frame;
        try {
            frame = Amp.encode(List.of(Amp.Arg.json(JSON.writeValueAsString(request)), Amp.Arg.string(id)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments of " + method + " are not JSON: " + e.getOriginalMessage(), e);
        }
        pending.put(id, new Pending(method, reply));
        reply.whenComplete((value, error) -> pending.remove(id));
        String closed = closedBecause;
        if (closed != null) {
            reply.completeExceptionally(closedError(method, closed));
            return reply;
        }
        try {
            writer.execute(() -> write(frame));
        } catch (RejectedExecutionException e) {
            reply.completeExceptionally(closedError(method, closedBecause != null ? closedBecause : "closed"));
        }
        return reply;
    }

    /**
     * Writes one frame, on the writer thread: a daemon whose event loop is stuck stops reading, and
     * a write into its full socket buffer blocks until it reads again. Written by the caller, that
     * would hold a call (and every call queued behind it) past its timeout.
     */
    private void write(byte[] frame) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(frame);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            shutDown("writing to it failed: " + e.getMessage());
        }
    }

    private void readLoop() {
        Amp.Decoder decoder = new Amp.Decoder(MAX_ARG_BYTES);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        String why = "the daemon closed it (was it killed?)";
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    if (decoder.midMessage()) {
                        why = "the daemon closed it in the middle of a reply (was it killed?)";
                    }
                    break;
                }
                buffer.flip();
                for (List<Amp.Arg> message : decoder.feed(buffer)) {
                    dispatch(message);
                }
            }
        } catch (IOException e) {
            why = closedBecause != null ? closedBecause : "reading from it failed: " + e.getMessage();
        } catch (RuntimeException e) {
            why = "it sent something that is not a PM2 reply (" + e.getMessage() + ")";
        }
        shutDown(why);
    }

    private void dispatch(List<Amp.Arg> message) {
        if (message.size() < 2 || !message.get(message.size() - 1).isString()) {
            return;
        }
        Pending call = pending.get(message.get(message.size() - 1).text());
        if (call == null) {
            return;
        }
        JsonNode body;
        try {
            body = message.get(0).isJson() ? JSON.readTree(message.get(0).text()) : null;
        } catch (JsonProcessingException e) {
            // Not the parser's message: it would quote the reply, which may hold environments.
            call.reply().completeExceptionally(new Pm2Exception("PM2 daemon answered " + call.method()
                    + " with invalid JSON (" + message.get(0).bytes().length + " bytes)"));
            return;
        }
        if (body == null || !body.isObject()) {
            call.reply().completeExceptionally(new Pm2Exception("PM2 daemon answered " + call.method()
                    + " with something that is not a reply object"));
        } else if (body.hasNonNull("error")) {
            // The daemon's message, and nothing else of the reply: an error that is not an Error
            // (axon-rpc sends the object as is) can be a whole process entry, environment included.
            JsonNode error = body.get("error");
            String text = error.isTextual() ? error.asText()
                    : error.path("message").isTextual() ? error.path("message").asText()
                    : "an error without a message (" + error.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + ")";
            call.reply().completeExceptionally(new Pm2Exception("PM2 daemon refused " + call.method() + ": " + text));
        } else {
            call.reply().complete(body.path("args"));
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
            // Closing a socket that is already broken: nothing left to release.
        }
        // A write blocked on a stuck daemon ended with the channel; frames still queued never go.
        writer.shutdownNow();
        for (Pending call : pending.values()) {
            call.reply().completeExceptionally(closedError(call.method(), why));
        }
        pending.clear();
    }

    private Pm2Exception closedError(String method, String why) {
        return Pm2Exception.connectionLost("lost the connection to the PM2 daemon (" + socket + ") while calling " + method
                + ": " + why);
    }

    /** Why the connection closed, or null while it is open. */
    String closedBecause() {
        return closedBecause;
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
