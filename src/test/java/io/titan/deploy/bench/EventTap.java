package io.titan.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second subscriber to a PM2 daemon's {@code pub.sock}, beside the engine's, that notes when each
 * {@code process:event} was published (the daemon's own {@code at}) and when it arrived here: it
 * splits a crash's latency into PM2's part and the engine's. Reads every message (log lines too),
 * as any subscriber must, and keeps nothing of the payload but the event, the app and the times.
 */
final class EventTap implements AutoCloseable {

    /** One process event: {@code publishedMs} by the daemon's clock, {@code receivedMs} by ours (epoch ms). */
    record Seen(String event, String name, double publishedMs, double receivedMs) {
    }

    private final SocketChannel channel;
    private final List<Seen> seen = new ArrayList<>();
    private final Thread reader;

    EventTap(Path pm2Home) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(pm2Home.resolve("pub.sock")));
        reader = new Thread(this::read, "bench-event-tap");
        reader.setDaemon(true);
        reader.start();
    }

    /** The process events of {@code name} seen so far. */
    synchronized List<Seen> of(String name) {
        return seen.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Amp framing: a byte {@code version << 4 | argc}, then per argument a 4-byte length and the bytes. */
    private void read() {
        try (DataInputStream in = new DataInputStream(Channels.newInputStream(channel))) {
            while (true) {
                int argc = in.readUnsignedByte() & 0x0f;
                List<String> args = new ArrayList<>();
                for (int i = 0; i < argc; i++) {
                    byte[] bytes = new byte[in.readInt()];
                    in.readFully(bytes);
                    args.add(new String(bytes, StandardCharsets.UTF_8));
                }
                double receivedMs = CliRun.epochMs(Instant.now());
                if (args.size() >= 2 && args.get(0).equals("s:process:event") && args.get(1).startsWith("j:")) {
                    JsonNode payload = Results.JSON.readTree(args.get(1).substring(2));
                    Seen s = new Seen(payload.path("event").asText(), payload.path("process").path("name").asText(),
                            payload.path("at").asDouble(), receivedMs);
                    synchronized (this) {
                        seen.add(s);
                    }
                }
            }
        } catch (EOFException e) {
            // The daemon went away: nothing more to see.
        } catch (IOException e) {
            // Closed by close(), or the daemon went away.
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
