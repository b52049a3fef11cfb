package io.titan.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * wrk (Debian's 4.1, which bench/run installs when missing) as the load generator of the downtime
 * scenario: one thread, two connections, as fast as the service answers, each run with
 * {@code bench/wrk-gaps.lua}, which finds the longest gap between two good answers. With keep-alive
 * wrk sends its next request on the same connection and opens a new one when the server says
 * {@code Connection: close}; without, every request has a connection of its own.
 */
final class Wrk implements AutoCloseable {

    /** What one wrk run saw: its own counts, and the longest gap between two 2xx answers (epoch ms). */
    record Seen(long answered, long good, long non2xx, long connect, long read, long write, long timeout,
                double longestGapMs, double gapFrom, double gapUntil) {

        /** Requests that got no good answer: refused or broken connections, timeouts, other statuses. */
        long failed() {
            return non2xx + connect + read + write + timeout;
        }

        /** The longest outage: the longest gap between good answers where requests failed; 0 when none did. */
        double outageMs() {
            return failed() == 0 ? 0 : longestGapMs;
        }
    }

    private static final Path SCRIPT = Sandbox.PROJECT.resolve("bench/wrk-gaps.lua");

    private final Process process;
    private final Path out;

    private Wrk(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Starts wrk against {@code GET http://127.0.0.1:port/version}; it runs until {@link #stop}. */
    static Wrk start(Path dir, int port, boolean keepAlive) throws IOException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c2", "-d600s", "--timeout", "2s"));
        if (!keepAlive) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.addAll(List.of("-s", SCRIPT.toString(), "http://127.0.0.1:" + port + "/version"));
        Path out = Files.createTempFile(dir, "wrk-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new Wrk(process, out);
    }

    /** Stops wrk as Ctrl-C would (it then prints its counts and runs the script's done()) and reads them. */
    Seen stop() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        kill.waitFor(10, TimeUnit.SECONDS);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("wrk did not stop on SIGINT");
        }
        String text = Files.readString(out);
        String json = text.lines().filter(l -> l.startsWith("{\"requests\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("wrk printed no counts: " + text));
        JsonNode n = Results.JSON.readTree(json);
        return new Seen(n.path("requests").asLong(), n.path("good").asLong(), n.path("non2xx").asLong(),
                n.path("connect").asLong(), n.path("read").asLong(), n.path("write").asLong(),
                n.path("timeout").asLong(), n.path("longestGapMs").asDouble(), n.path("gapFrom").asDouble(),
                n.path("gapUntil").asDouble());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
