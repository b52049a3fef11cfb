package io.titan.deploy.pm2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link DaemonBus} against a fake {@code pub.sock} that publishes scripted {@code [s:topic, j:payload]}
 * frames, shaped as pm2 7.0.4's {@code God.notify} and log lines are.
 */
class DaemonBusTest {

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private DaemonBus bus;
    private SocketChannel publisher;
    private final List<ProcessEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<String> stopping = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("pub.sock")));
        bus = DaemonBus.connect(dir.resolve("pub.sock"));
        publisher = server.accept();
        bus.listen(new ProcessEvents.Listener() {
            @Override
            public void event(ProcessEvent event) {
                events.add(event);
            }

            @Override
            public void output(String app, io.titan.deploy.event.OutputLine.Stream stream, Instant at, String data) {
                output.add(app + " " + stream.value() + " " + at.toEpochMilli() + " " + data);
            }

            @Override
            public void closed(String why) {
                closed.add(why);
            }

            @Override
            public void stopping(String why) {
                stopping.add(why);
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        bus.close();
        publisher.close();
        server.close();
    }

    @Test
    void readsAProcessEventAndKeepsNothingOfTheAppsEnvironment() throws IOException {
        publish("process:event", exitEvent("api", "uid-1", "stopped", "1", "s3cr3t-value"));

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        ProcessEvent event = events.get(0);
        assertThat(event).isEqualTo(new ProcessEvent("exit", "api", 3, "uid-1", Pm2Status.STOPPED, 2, 1, false,
                Instant.ofEpochMilli(1764644000123L)));
        assertThat(event.ended()).isTrue();
        assertThat(event.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void drainsLogLinesAndOtherTopicsAndStillSeesTheEventAfterThem() throws IOException {
        String line = "{\"process\":{\"name\":\"api\",\"pm_id\":3},\"at\":1,\"data\":\"" + "x".repeat(1000) + "\\n\"}";
        ByteBuffer flood = ByteBuffer.allocate(12_000 * (frame("log:out", line).length));
        for (int i = 0; i < 12_000; i++) {
            flood.put(frame(i % 2 == 0 ? "log:out" : "log:err", line));
        }
        write(flood.array());
        publish("pm2:kill", "{\"status\":\"killed\"}");
        publish("process:event", exitEvent("api", "uid-2", "online", "0", "v"));

        await().atMost(Duration.ofSeconds(20)).until(() -> events.size() == 1);
        assertThat(events.get(0).uniqueId()).isEqualTo("uid-2");
        assertThat(bus.isOpen()).isTrue();
    }

    @Test
    void handsOnWhatAppsPrintWithAppStreamAndTimeAndNothingElseOfThePayload() throws IOException {
        publish("log:err", "{\"process\":{\"pm_id\":3,\"name\":\"api\",\"rev\":null,\"namespace\":\"default\"},"
                + "\"at\":1764644000123,\"data\":\"2026-12-07T05:05:45: boom \\u0000\\n\"}");
        publish("log:out", "{\"process\":{\"pm_id\":4,\"name\":\"web\"},\"at\":1764644000124,\"data\":\"ok\\n\"}");
        publish("log:out", "{\"process\":{\"pm_id\":4},\"at\":1,\"data\":\"no app name\\n\"}");
        publish("process:event", exitEvent("api", "uid-4", "stopped", "1", "v"));

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        assertThat(output).containsExactly("api err 1764644000123 2026-12-07T05:05:45: boom \u0000\n",
                "web out 1764644000124 ok\n");
    }

    @Test
    void readsAnEventSplitAcrossWritesAtEveryPartOfItsFrame() throws Exception {
        byte[] frame = frame("process:event", exitEvent("api", "uid-3", "stopping", "0", "v"));

        for (int cut : new int[] {1, 3, 5, 20, frame.length - 1}) {
            write(Arrays.copyOfRange(frame, 0, cut));
            Thread.sleep(20);
            write(Arrays.copyOfRange(frame, cut, frame.length));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 5);
        assertThat(events).allSatisfy(event -> assertThat(event.status()).isEqualTo(Pm2Status.STOPPING));
    }

    @Test
    void tellsItsListenersAtOnceWhenTheDaemonGoesAndLateListenersToo() throws IOException {
        publisher.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !closed.isEmpty());
        assertThat(closed).containsExactly("the PM2 daemon closed its event socket (was it killed?)");
        List<String> late = new CopyOnWriteArrayList<>();
        bus.listen(lateListener(late));
        assertThat(late).containsExactly("closed: " + closed.get(0));
    }

    @Test
    void passesOnTheDaemonsAnnouncedShutdownOnceAndToLateListenersBeforeTheClose() throws IOException {
        // What pm2 7.0.4's Daemon.close (killMe) publishes before it closes its sockets.
        publish("pm2:kill", "{\"status\":\"killed\",\"msg\":\"pm2 has been killed via CLI\"}");
        publish("pm2:kill", "{\"status\":\"killed\",\"msg\":\"pm2 has been killed by SIGNAL\"}");
        publisher.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !closed.isEmpty());
        assertThat(stopping).containsExactly("pm2 has been killed via CLI");
        List<String> late = new CopyOnWriteArrayList<>();
        bus.listen(lateListener(late));
        assertThat(late).containsExactly("stopping: pm2 has been killed via CLI", "closed: " + closed.get(0));
    }

    /** A listener added after the fact, noting what it hears of the daemon. */
    private static ProcessEvents.Listener lateListener(List<String> heard) {
        return new ProcessEvents.Listener() {
            @Override
            public void event(ProcessEvent event) {
            }

            @Override
            public void closed(String why) {
                heard.add("closed: " + why);
            }

            @Override
            public void stopping(String why) {
                heard.add("stopping: " + why);
            }
        };
    }

    @Test
    void closesOnBytesThatAreNotAmpWithoutQuotingThem() throws IOException {
        write("{\"DB_PASSWORD\":\"s3cr3t-value\"}".getBytes(StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(10)).until(() -> !closed.isEmpty());
        assertThat(closed.get(0)).contains("not an event").contains("0x7b").doesNotContain("s3cr3t-value");
        assertThat(bus.isOpen()).isFalse();
    }

    /** A {@code process:event} payload as pm2 7.0.4's God.notify builds it (pm2_env without env, but its copies). */
    private static String exitEvent(String name, String uniqueId, String status, String exitCode, String secret) {
        return "{\"event\":\"exit\",\"manually\":false,\"at\":1764644000123,\"process\":{\"name\":\"" + name
                + "\",\"pm_id\":3,\"unique_id\":\"" + uniqueId + "\",\"status\":\"" + status + "\",\"restart_time\":2,"
                + "\"exit_code\":" + exitCode + ",\"DB_PASSWORD\":\"" + secret + "\"}}";
    }

    private void publish(String topic, String json) throws IOException {
        write(frame(topic, json));
    }

    private static byte[] frame(String topic, String json) {
        return Amp.encode(List.of(Amp.Arg.string(topic), Amp.Arg.json(json)));
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            publisher.write(buffer);
        }
    }
}
