package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A stand-in for the PM2 daemon's {@code rpc.sock}: a Unix-domain server in a test folder that
 * decodes the calls it gets and answers with whatever bytes the test scripts. Calls the
 * {@code responder} answers are answered at once; the others wait in {@link #nextCall} for the test.
 * Nothing here shares code with PM2: the replies are written out by hand.
 */
final class FakeDaemon implements AutoCloseable {

    /** One call as the daemon decoded it. */
    record Call(String method, JsonNode args, String id, byte[] frame) {
    }

    /** What a responder returns to close the connection instead of answering, as a dying daemon would. */
    static final byte[] DROP = new byte[0];

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;
    private final ServerSocketChannel server;
    private final Function<Call, byte[]> responder;
    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final List<Call> seen = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FakeDaemon(Path socket, Function<Call, byte[]> responder) throws IOException {
        this.socket = socket;
        this.responder = responder;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = new Thread(this::accept, "fake-pm2-daemon");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code socket}; every call waits for the test. */
    static FakeDaemon listen(Path socket) {
        return listen(socket, call -> null);
    }

    /** Listens on {@code socket}; calls {@code responder} answers (non-null bytes) are answered at once. */
    static FakeDaemon listen(Path socket, Function<Call, byte[]> responder) {
        try {
            return new FakeDaemon(socket, responder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers {@code getVersion} with {@code version}; {@code ping} and {@code getMonitorData} as an empty daemon. */
    static Function<Call, byte[]> pm2Of(String version) {
        return call -> switch (call.method()) {
            case "getVersion" -> reply(call.id(), "{\"args\":[\"" + version + "\"]}");
            case "ping" -> reply(call.id(), "{\"args\":[{\"msg\":\"pong\"}]}");
            case "getMonitorData" -> reply(call.id(), "{\"args\":[[]]}");
            default -> reply(call.id(), "{\"error\":\"method \\\"" + call.method() + "\\\" does not exist\"}");
        };
    }

    /** The reply frame {@code [j:json, s:id]}, written out byte by byte. */
    static byte[] reply(String id, String json) {
        byte[] body = ("j:" + json).getBytes(StandardCharsets.UTF_8);
        byte[] tag = ("s:" + id).getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(1 + 4 + body.length + 4 + tag.length);
        frame.put((byte) 0x12).putInt(body.length).put(body).putInt(tag.length).put(tag);
        return frame.array();
    }

    /** The next call not answered by the responder. */
    Call nextCall(Duration within) {
        try {
            Call call = calls.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (call == null) {
                throw new AssertionError("the fake daemon got no call within " + within);
            }
            return call;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next {@code n} calls, in the order they arrived. */
    List<Call> nextCalls(int n, Duration within) {
        List<Call> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(nextCall(within));
        }
        return result;
    }

    /** The methods of every call received so far, answered or not. */
    List<String> methodsSeen() {
        return seen.stream().map(Call::method).toList();
    }

    /** Writes each chunk with its own write, with a pause between, to the latest connection. */
    void write(byte[]... chunks) {
        SocketChannel channel = latest();
        try {
            synchronized (channel) {
                for (int i = 0; i < chunks.length; i++) {
                    if (i > 0) {
                        // A pause, so that the client reads each chunk on its own.
                        Thread.sleep(20);
                    }
                    ByteBuffer buffer = ByteBuffer.wrap(chunks[i]);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Closes the latest connection, as the daemon's death would. */
    void dropConnection() {
        try {
            latest().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SocketChannel latest() {
        if (connections.isEmpty()) {
            throw new AssertionError("nobody connected to the fake daemon");
        }
        return connections.get(connections.size() - 1);
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel channel = server.accept();
                connections.add(channel);
                Thread reader = new Thread(() -> read(channel), "fake-pm2-daemon-conn");
                reader.setDaemon(true);
                reader.start();
            }
        } catch (IOException e) {
            // Closed by close().
        }
    }

    private void read(SocketChannel channel) {
        Amp.Decoder decoder = new Amp.Decoder(64 << 20);
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            while (channel.read(buffer.clear()) >= 0) {
                for (List<Amp.Arg> message : decoder.feed(buffer.flip())) {
                    JsonNode body = JSON.readTree(message.get(0).text());
                    Call call = new Call(body.path("method").asText(), body.path("args"),
                            message.get(message.size() - 1).text(), Amp.encode(message));
                    seen.add(call);
                    byte[] answer = responder.apply(call);
                    if (answer == null) {
                        calls.add(call);
                    } else if (answer == DROP) {
                        channel.close();
                        return;
                    } else {
                        synchronized (channel) {
                            ByteBuffer out = ByteBuffer.wrap(answer);
                            while (out.hasRemaining()) {
                                channel.write(out);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The client went, or the test dropped the connection.
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (SocketChannel channel : connections) {
                channel.close();
            }
            acceptor.join(1000);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
