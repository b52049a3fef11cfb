package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.release.ReleaseLease;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A warm titan-deploy for the steps of one release on one host, so that Jenkins' stages do not each
 * pay a JVM start and the CLI's set-up ({@code release begin --runner} starts it; see
 * {@link RunnerLauncher}). It listens on a Unix socket that only its user can reach and runs each
 * request, a CLI argument list, as the CLI would, concurrently with the others, in the folder and with
 * the environment {@code release begin} had (titanDeploy runs every step of a host in that folder,
 * inside the same {@code withCredentials}). Only the release's own steps are taken: {@code release
 * service|soak|finish|abort} and {@code validate}; anything else is refused, and the client
 * ({@code bin/titan-deploy-step}) then runs the CLI itself.
 *
 * <p>Protocol, one connection per step: the client sends the arguments as one JSON array and a
 * newline; the runner answers with lines {@code 1 text} (stdout), {@code 2 text} (stderr) and
 * finally {@code 0 code}. A client that goes away (Jenkins stopped the step) interrupts its command.
 * The runner ends once the release ended here ({@code finish} succeeded, or {@code abort}), or after
 * {@code idle} without a request (a pipeline that died).
 */
public final class ReleaseRunner {

    /** What a refused request answers: the client runs the CLI itself then. */
    static final int REFUSED = 75;
    private static final Set<String> STEPS = Set.of("service", "soak", "finish", "abort");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE_CHECK = Duration.ofSeconds(1);
    private static final Duration WAKE = Duration.ofMillis(100);

    private final Path socket;
    private final String release;
    private final String host;
    private final Duration idle;
    private final Path stateDir;
    private final long beginPid;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long lastRequest = System.nanoTime();

    ReleaseRunner(Path socket, String release, String host, Duration idle, Path stateDir, long beginPid) {
        this.socket = socket;
        this.release = release;
        this.host = host;
        this.idle = idle;
        this.stateDir = stateDir;
        this.beginPid = beginPid;
    }

    /** {@code ReleaseRunner SOCKET RELEASE HOST IDLE_SECONDS STATE_DIR BEGIN_PID}. */
    public static void main(String[] args) throws IOException {
        ReleaseRunner runner = new ReleaseRunner(Path.of(args[0]), args[1], args[2],
                Duration.ofSeconds(Long.parseLong(args[3])), Path.of(args[4]), Long.parseLong(args[5]));
        runner.serve();
        Pm2Manager.disconnectAll();
        System.exit(0);
    }

    /**
     * Accepts requests until the release ended here, nothing came for {@code idle}, or the host's lease
     * no longer names the release (the CLI ended it, another release took over, the state dir is gone).
     * It starts while {@code release begin} still works: until the lease first names the release, it
     * ends once that begin is gone without it (it failed, or was killed).
     */
    void serve() throws IOException {
        Files.deleteIfExists(socket);
        long leaseChecked = System.nanoTime();
        boolean begun = false;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (!ended.get() || !running.isEmpty()) {
                // Wakes at once for a step; otherwise now and then to see whether the runner is still wanted.
                selector.select(WAKE.toMillis());
                selector.selectedKeys().clear();
                SocketChannel client = server.accept();
                if (client == null) {
                    if (!ended.get() && running.isEmpty()
                            && System.nanoTime() - lastRequest > idle.toNanos()) {
                        break;
                    }
                    if (System.nanoTime() - leaseChecked > LEASE_CHECK.toNanos()) {
                        leaseChecked = System.nanoTime();
                        if (leaseNamesRelease()) {
                            begun = true;
                        } else if (running.isEmpty() && (begun || !beginRuns())) {
                            break;
                        }
                    }
                    continue;
                }
                lastRequest = System.nanoTime();
                if (ended.get()) {
                    client.close();
                    continue;
                }
                Thread worker = new Thread(() -> handle(client), "step");
                running.add(worker);
                worker.start();
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    private void handle(SocketChannel client) {
        try (client) {
            client.configureBlocking(true);
            // The channel itself, never Channels' streams: those take the channel's blocking lock for a read,
            // and a write would wait behind the read that watches for the client going away.
            Connection connection = new Connection(client);
            String request = connection.readLine();
            List<String> args = request == null ? List.of() : List.of(JSON.readValue(request, String[].class));
            if (!accepts(args)) {
                if (!args.isEmpty()) {
                    log(args, "refused");
                }
                connection.frame('0', Integer.toString(REFUSED));
                return;
            }
            long started = System.nanoTime();
            // The client going away (Jenkins stopped its step) stops the command, as a signal would.
            Thread worker = Thread.currentThread();
            AtomicBoolean done = new AtomicBoolean();
            Thread watcher = new Thread(() -> {
                if (connection.awaitEnd() && !done.get()) {
                    worker.interrupt();
                }
            }, "step-client");
            watcher.setDaemon(true);
            watcher.start();
            PrintWriter stdout = new PrintWriter(new Framed(connection, '1'), true);
            PrintWriter stderr = new PrintWriter(new Framed(connection, '2'), true);
            picocli.CommandLine cli = TitanDeployCli.commandLine(args.get(0));
            cli.setOut(stdout);
            cli.setErr(stderr);
            int code = cli.execute(args.toArray(String[]::new));
            done.set(true);
            // Closing sends a last line that had no newline; the connection stays open.
            stdout.close();
            stderr.close();
            log(args, "exit " + code + " after " + (System.nanoTime() - started) / 1_000_000 + " ms");
            if (ends(args, code)) {
                ended.set(true);
            }
            connection.frame('0', Integer.toString(code));
        } catch (IOException e) {
            // The client went away: nobody is left to tell.
        } finally {
            Thread.interrupted();
            running.remove(Thread.currentThread());
        }
    }

    /** A line per request in the runner's log (its standard output): what ran, and how it ended. */
    private static void log(List<String> args, String outcome) {
        System.out.println(java.time.Instant.now() + " titan-deploy " + String.join(" ", args) + ": " + outcome);
    }

    private boolean beginRuns() {
        return ProcessHandle.of(beginPid).map(ProcessHandle::isAlive).orElse(false);
    }

    private boolean leaseNamesRelease() {
        try {
            return ReleaseLease.read(stateDir).map(lease -> lease.release().equals(release)).orElse(false);
        } catch (RuntimeException unreadable) {
            return true;
        }
    }

    /** The release's own steps on its host only (a validation of that host among them), and none once it ended. */
    private boolean accepts(List<String> args) {
        if (args.size() < 2 || ended.get()) {
            return false;
        }
        String named = option(args, "--host");
        boolean here = named == null || host.equals(named);
        if (args.get(0).equals("validate")) {
            return here;
        }
        return here && args.get(0).equals("release") && STEPS.contains(args.get(1))
                && release.equals(option(args, "--release"));
    }

    private static String option(List<String> args, String name) {
        int at = args.indexOf(name);
        return at > 0 && at + 1 < args.size() ? args.get(at + 1) : null;
    }

    /** Whether this step ended the release on this host: a finish that accepted it, or an abort (not its dry run). */
    private static boolean ends(List<String> args, int code) {
        return args.get(0).equals("release") && (args.get(1).equals("abort") && !args.contains("--dry-run")
                || args.get(1).equals("finish") && code == 0);
    }

    /** One client's connection: its request line, the frames sent back, and whether it went away. */
    private static final class Connection {
        private final SocketChannel channel;
        private final java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        /** The request: everything up to the first newline; null when the client sent none. */
        String readLine() throws IOException {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (true) {
                one.clear();
                if (channel.read(one) < 0) {
                    return null;
                }
                byte b = one.get(0);
                if (b == '\n') {
                    return request.toString(StandardCharsets.UTF_8);
                }
                request.write(b);
            }
        }

        /** Blocks until the client closes its side; true when it did (rather than the channel closing here). */
        boolean awaitEnd() {
            java.nio.ByteBuffer any = java.nio.ByteBuffer.allocate(64);
            try {
                while (channel.read(any) >= 0) {
                    any.clear();
                }
                return true;
            } catch (IOException e) {
                return true;
            }
        }

        synchronized void frame(char kind, String text) throws IOException {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap((kind + " " + text + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** A stream of the command's output, sent a line at a time, each marked with its stream. */
    private static final class Framed extends Writer {
        private final Connection out;
        private final char kind;
        private final StringBuilder line = new StringBuilder();

        Framed(Connection out, char kind) {
            this.out = out;
            this.kind = kind;
        }

        @Override
        public synchronized void write(char[] chars, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                if (chars[i] == '\n') {
                    out.frame(kind, line.toString());
                    line.setLength(0);
                } else {
                    line.append(chars[i]);
                }
            }
        }

        @Override
        public synchronized void flush() {
            // Whole lines only: a partial line goes with its newline, or at close.
        }

        @Override
        public synchronized void close() throws IOException {
            if (line.length() > 0) {
                out.frame(kind, line.toString());
                line.setLength(0);
            }
        }
    }
}
