package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DaemonRpc} against a fake daemon ({@link FakeDaemon}) that answers with scripted bytes:
 * how replies are framed, matched, refused, timed out, and what happens when the socket goes.
 */
class DaemonRpcTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "s3cr3t-in-the-env";

    @TempDir
    Path dir;
    private FakeDaemon daemon;
    private DaemonRpc rpc;

    @BeforeEach
    void connect() throws Exception {
        daemon = FakeDaemon.listen(dir.resolve("rpc.sock"));
        rpc = DaemonRpc.connect(dir.resolve("rpc.sock"));
    }

    @AfterEach
    void close() {
        rpc.close();
        daemon.close();
    }

    @Test
    void sendsACallAsAxonFramesItAndReturnsTheArgsOfTheReply() throws Exception {
        CompletableFuture<JsonNode> reply = rpc.send("ping", Map.of());

        FakeDaemon.Call call = daemon.nextCall(WAIT);
        assertThat(call.method()).isEqualTo("ping");
        assertThat(call.id()).startsWith("titan-" + ProcessHandle.current().pid() + "-");
        byte[] json = "j:{\"type\":\"call\",\"method\":\"ping\",\"args\":[{}]}".getBytes(StandardCharsets.UTF_8);
        byte[] id = ("s:" + call.id()).getBytes(StandardCharsets.UTF_8);
        assertThat(call.frame()).isEqualTo(ByteBuffer.allocate(1 + 4 + json.length + 4 + id.length)
                .put((byte) 0x12).putInt(json.length).put(json).putInt(id.length).put(id).array());

        daemon.write(FakeDaemon.reply(call.id(), "{\"args\":[{\"msg\":\"pong\"}]}"));

        assertThat(reply.get(10, TimeUnit.SECONDS).toString()).isEqualTo("[{\"msg\":\"pong\"}]");
    }

    @Test
    void readsAReplySplitAcrossWrites() throws Exception {
        CompletableFuture<JsonNode> reply = rpc.send("getVersion", Map.of());
        FakeDaemon.Call call = daemon.nextCall(WAIT);
        byte[] frame = FakeDaemon.reply(call.id(), "{\"args\":[\"7.0.4\"]}");

        // Cut inside the first length field, inside the JSON, and between the two arguments.
        daemon.write(split(frame, 3, 12, frame.length - call.id().length() - 6));

        assertThat(reply.get(10, TimeUnit.SECONDS).path(0).asText()).isEqualTo("7.0.4");
    }

    @Test
    void readsSeveralRepliesFromOneWrite() throws Exception {
        List<CompletableFuture<JsonNode>> replies = List.of(rpc.send("ping", Map.of()), rpc.send("ping", Map.of()),
                rpc.send("ping", Map.of()));
        List<FakeDaemon.Call> calls = daemon.nextCalls(3, WAIT);

        daemon.write(concat(
                FakeDaemon.reply(calls.get(0).id(), "{\"args\":[0]}"),
                FakeDaemon.reply(calls.get(1).id(), "{\"args\":[1]}"),
                FakeDaemon.reply(calls.get(2).id(), "{\"args\":[2]}")));

        for (int i = 0; i < 3; i++) {
            assertThat(replies.get(i).get(10, TimeUnit.SECONDS).path(0).asInt()).isEqualTo(i);
        }
    }

    @Test
    void matchesRepliesThatComeOutOfOrderByTheirId() throws Exception {
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replies.add(rpc.send("stopProcessId", i));
        }
        List<FakeDaemon.Call> calls = daemon.nextCalls(4, WAIT);
        assertThat(calls).extracting(call -> call.args().path(0).asInt()).containsExactly(0, 1, 2, 3);

        for (int i : List.of(2, 0, 3, 1)) {
            daemon.write(FakeDaemon.reply(calls.get(i).id(), "{\"args\":[{\"pm_id\":" + i + "}]}"));
        }

        for (int i = 0; i < 4; i++) {
            assertThat(replies.get(i).get(10, TimeUnit.SECONDS).path(0).path("pm_id").asInt()).isEqualTo(i);
        }
    }

    @Test
    void readsAReplyLargerThanItsReadBuffer() throws Exception {
        CompletableFuture<JsonNode> reply = rpc.send("getMonitorData", Map.of());
        FakeDaemon.Call call = daemon.nextCall(WAIT);
        String big = "x".repeat(300 * 1024);

        daemon.write(FakeDaemon.reply(call.id(), "{\"args\":[[{\"name\":\"a\",\"blob\":\"" + big + "\"}]]}"));

        assertThat(reply.get(10, TimeUnit.SECONDS).path(0).path(0).path("blob").asText()).isEqualTo(big);
    }

    @Test
    void namesTheMethodTheDaemonDoesNotKnow() {
        CompletableFuture<JsonNode> reply = rpc.send("x", Map.of());
        FakeDaemon.Call call = daemon.nextCall(WAIT);

        // What pm2-axon-rpc answers for a method nobody exposed.
        daemon.write(FakeDaemon.reply(call.id(), "{\"error\":\"method \\\"x\\\" does not exist\"}"));

        assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(Pm2Exception.class)
                .hasMessage("PM2 daemon refused x: method \"x\" does not exist");
    }

    @Test
    void anErrorReplyIsAPm2ExceptionNamingTheMethodAndTheDaemonsMessage() {
        CompletableFuture<Throwable> failure = failureOf(() -> rpc.call("restartProcessId", LONG, Map.of("id", 7)));
        FakeDaemon.Call call = daemon.nextCall(WAIT);

        // What God answers for an unknown id: an Error becomes its message and its stack.
        daemon.write(FakeDaemon.reply(call.id(), "{\"error\":\"God db process id unknown\","
                + "\"stack\":\"Error: God db process id unknown\\n    at God.logAndGenerateError (/srv/" + SECRET + ")\"}"));

        Throwable error = failure.join();
        assertThat(error).isInstanceOf(Pm2Exception.class)
                .hasMessage("PM2 daemon refused restartProcessId: God db process id unknown");
        assertThat(((Pm2Exception) error).exitCode()).isEqualTo(1);
        assertThat(stackTrace(error)).doesNotContain(SECRET);
        assertThat(rpc.isOpen()).as("a refused call leaves the connection usable").isTrue();
    }

    @Test
    void givesUpOnACallAtItsTimeoutAndDropsTheLateReply() throws Exception {
        long start = System.nanoTime();

        assertThatThrownBy(() -> rpc.call("getMonitorData", Duration.ofMillis(200), Map.of()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("did not answer getMonitorData within 200 ms")
                .hasMessageContaining(dir.toString());

        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsed).isBetween(200L, 5_000L);
        FakeDaemon.Call late = daemon.nextCall(WAIT);
        CompletableFuture<JsonNode> next = rpc.send("ping", Map.of());
        FakeDaemon.Call ping = daemon.nextCall(WAIT);
        daemon.write(concat(FakeDaemon.reply(late.id(), "{\"args\":[[]]}"),
                FakeDaemon.reply(ping.id(), "{\"args\":[{\"msg\":\"pong\"}]}")));
        assertThat(next.get(10, TimeUnit.SECONDS).path(0).path("msg").asText()).isEqualTo("pong");
        assertThat(rpc.isOpen()).isTrue();
    }

    @Test
    void ignoresAReplyToACallItNeverMade() throws Exception {
        CompletableFuture<JsonNode> reply = rpc.send("ping", Map.of());
        FakeDaemon.Call call = daemon.nextCall(WAIT);

        daemon.write(FakeDaemon.reply("someone-else:1", "{\"args\":[\"not yours\"]}"),
                FakeDaemon.reply(call.id(), "{\"args\":[\"yours\"]}"));

        assertThat(reply.get(10, TimeUnit.SECONDS).path(0).asText()).isEqualTo("yours");
    }

    @Test
    void failsEveryPendingCallAtOnceWhenTheDaemonDiesMidReply() throws Exception {
        List<CompletableFuture<Throwable>> failures = new ArrayList<>();
        for (String method : List.of("getMonitorData", "prepare", "stopProcessId")) {
            failures.add(failureOf(() -> rpc.call(method, LONG, Map.of())));
        }
        List<FakeDaemon.Call> calls = daemon.nextCalls(3, WAIT);
        byte[] reply = FakeDaemon.reply(calls.get(0).id(), "{\"args\":[[]]}");

        daemon.write(Arrays.copyOf(reply, reply.length / 2));
        long dropped = System.nanoTime();
        daemon.dropConnection();

        for (CompletableFuture<Throwable> failure : failures) {
            Throwable error = failure.get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertThat(error).isInstanceOf(Pm2Exception.class)
                    .hasMessageContaining("lost the connection to the PM2 daemon (" + dir.resolve("rpc.sock") + ")")
                    .hasMessageContaining("in the middle of a reply");
        }
        long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped);
        assertThat(failedAfter).as("all three failed %d ms after the drop; their timeout is 30 s", failedAfter)
                .isLessThan(3_000);
        assertThat(failures).extracting(f -> f.join().getMessage())
                .anySatisfy(m -> assertThat(m).contains("getMonitorData"))
                .anySatisfy(m -> assertThat(m).contains("prepare"))
                .anySatisfy(m -> assertThat(m).contains("stopProcessId"));
        assertThat(rpc.isOpen()).isFalse();

        long later = System.nanoTime();
        assertThatThrownBy(() -> rpc.call("ping", LONG, Map.of()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("while calling ping").hasMessageContaining("in the middle of a reply");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - later)).isLessThan(1_000);
    }

    @Test
    void failsPendingCallsWhenTheDaemonClosesBetweenReplies() throws Exception {
        CompletableFuture<Throwable> failure = failureOf(() -> rpc.call("getMonitorData", LONG, Map.of()));
        daemon.nextCall(WAIT);

        daemon.dropConnection();

        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("while calling getMonitorData")
                .hasMessageContaining("the daemon closed it (was it killed?)");
    }

    @Test
    void failsEveryCallAfterItIsClosed() {
        rpc.close();

        assertThatThrownBy(() -> rpc.call("ping", LONG, Map.of()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("while calling ping").hasMessageContaining("closed by this engine");
        assertThat(rpc.closedBecause()).isEqualTo("closed by this engine");
    }

    @Test
    void neverQuotesAReplyThatIsNotValidJson() {
        CompletableFuture<Throwable> failure = failureOf(() -> rpc.call("getMonitorData", LONG, Map.of()));
        FakeDaemon.Call call = daemon.nextCall(WAIT);

        daemon.write(FakeDaemon.reply(call.id(), "{\"args\":[[{\"pm2_env\":{\"env\":{\"DB_PASSWORD\":\"" + SECRET
                + "\"}}}],,]}"));

        Throwable error = failure.join();
        assertThat(error).isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("answered getMonitorData with invalid JSON");
        assertThat(stackTrace(error)).doesNotContain(SECRET);
        assertThat(rpc.isOpen()).isTrue();
    }

    @Test
    void neverQuotesAnErrorReplyThatHasNoMessage() {
        CompletableFuture<Throwable> failure = failureOf(() -> rpc.call("prepare", LONG, Map.of()));
        FakeDaemon.Call call = daemon.nextCall(WAIT);

        // An error callback given an object instead of an Error: axon-rpc sends the object as is.
        daemon.write(FakeDaemon.reply(call.id(), "{\"error\":{\"name\":\"api\",\"env\":{\"DB_PASSWORD\":\"" + SECRET
                + "\"}}}"));

        Throwable error = failure.join();
        assertThat(error).isInstanceOf(Pm2Exception.class)
                .hasMessage("PM2 daemon refused prepare: an error without a message (object)");
        assertThat(stackTrace(error)).doesNotContain(SECRET);
    }

    @Test
    void neverQuotesBytesThatAreNotAmp() throws Exception {
        CompletableFuture<Throwable> failure = failureOf(() -> rpc.call("getMonitorData", LONG, Map.of()));
        daemon.nextCall(WAIT);

        daemon.write(("{\"DB_PASSWORD\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8));

        Throwable error = failure.get(10, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("not a PM2 reply").hasMessageContaining("0x7b");
        assertThat(stackTrace(error)).doesNotContain(SECRET);
        assertThat(rpc.isOpen()).isFalse();
    }

    @Test
    void givesUpAtTheTimeoutWhenAHungDaemonStopsReading(@TempDir Path other) throws Exception {
        try (ServerSocketChannel deaf = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            deaf.bind(UnixDomainSocketAddress.of(other.resolve("rpc.sock")));
            try (DaemonRpc client = DaemonRpc.connect(other.resolve("rpc.sock"));
                 SocketChannel accepted = deaf.accept()) {
                // A prepare with a large environment, to a daemon whose event loop is stuck.
                Map<String, String> env = Map.of("BIG", "x".repeat(4 << 20));
                long start = System.nanoTime();

                Duration timeout = Duration.ofMillis(300);
                CompletableFuture<Throwable> prepare = failureOf(() -> client.call("prepare", timeout, env));
                CompletableFuture<Throwable> ping = failureOf(() -> client.call("ping", timeout, Map.of()));

                assertThat(prepare.get(10, TimeUnit.SECONDS)).isInstanceOf(Pm2Exception.class)
                        .hasMessageContaining("did not answer prepare within 300 ms");
                assertThat(ping.get(10, TimeUnit.SECONDS)).isInstanceOf(Pm2Exception.class)
                        .hasMessageContaining("did not answer ping within 300 ms");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
            }
        }
    }

    /** Runs {@code call} on its own thread; the future holds what it threw (null when it returned). */
    private static CompletableFuture<Throwable> failureOf(Runnable call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                call.run();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }, runnable -> {
            Thread thread = new Thread(runnable, "rpc-test-call");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static byte[][] split(byte[] bytes, int... cuts) {
        byte[][] parts = new byte[cuts.length + 1][];
        int from = 0;
        for (int i = 0; i < cuts.length; i++) {
            parts[i] = Arrays.copyOfRange(bytes, from, cuts[i]);
            from = cuts[i];
        }
        parts[cuts.length] = Arrays.copyOfRange(bytes, from, bytes.length);
        return parts;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }
}
