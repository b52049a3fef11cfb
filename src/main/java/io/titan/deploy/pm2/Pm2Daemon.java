package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One PM2 daemon (one PM2_HOME) as this JVM sees it: the connection to its {@code rpc.sock}, its
 * event bus on {@code pub.sock}, and its life cycle. Shared by every {@link Pm2Manager} of the same
 * PM2_HOME in the JVM.
 *
 * <p>A daemon is started, where none answers, by {@link DaemonLauncher}: detached, with the
 * minimal environment, out of reach of Ctrl-C and of Jenkins' process-tree killer.
 *
 * <p>A daemon that announced its shutdown on its event bus ({@code pm2 kill}, a SIGTERM) counts as
 * gone: nothing is asked of it any more. The next call waits for it to exit (it may take seconds
 * to stop its apps one by one) and then connects to a new one, or starts one.
 */
final class Pm2Daemon {

    /** The PM2 versions this engine is tested against (package.json pins 7.0.4). */
    static final String SUPPORTED_VERSIONS = "7.0.";
    /** A daemon answers its first ping ~0.3 s after node starts; a loaded machine may take seconds. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** Calls that only read or signal answer within milliseconds. */
    static final Duration QUICK_CALL = Duration.ofSeconds(10);
    /** How long a daemon that is exiting may take to go. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(3);
    /**
     * How long a daemon that announced its shutdown may take to exit: on a SIGTERM it stops its
     * apps one at a time, each within its kill_timeout (1.6 s by default).
     */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    private static final Map<Path, Pm2Daemon> DAEMONS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path pm2Home;
    private final Path binary;
    private final Map<String, String> parentEnv;
    private DaemonRpc rpc;
    private DaemonBus bus;
    /** The pid of the daemon {@code rpc} talks to, from its pid file when it was connected; 0 unknown. */
    private long connectedPid;
    /** Why the connected daemon is shutting down, from its {@code pm2:kill}; null while it runs on. */
    private volatile String stopping;

    private Pm2Daemon(Path pm2Home, Path binary, Map<String, String> parentEnv) {
        this.pm2Home = pm2Home;
        this.binary = binary;
        this.parentEnv = Map.copyOf(parentEnv);
    }

    /** The daemon of {@code pm2Home} in this JVM; {@code binary} is the pm2 whose daemon to start. */
    static Pm2Daemon of(Path pm2Home, Path binary, Map<String, String> parentEnv) {
        Pm2Sockets.requireUsable(pm2Home);
        return DAEMONS.computeIfAbsent(pm2Home, home -> new Pm2Daemon(home, binary, parentEnv));
    }

    /**
     * Closes every connection this JVM holds, for a process about to exit: a reader thread blocked
     * in a socket read holds the JVM's exit up for about 300 ms.
     */
    static void closeAll() {
        DAEMONS.values().forEach(Pm2Daemon::disconnect);
    }

    private synchronized void disconnect() {
        if (rpc != null) {
            rpc.close();
            rpc = null;
        }
        if (bus != null) {
            bus.close();
            bus = null;
        }
        stopping = null;
    }

    /**
     * The connection to a running daemon, or empty when none runs; never starts one. A daemon that
     * accepts the connection but drops it at once is on its way out (after {@code pm2 kill}): it
     * counts as not running once it has gone, which takes milliseconds. A daemon that announced its
     * shutdown is waited for until it has gone (at most {@link #SHUTDOWN_WAIT}).
     *
     * @throws Pm2Exception when a daemon that announced its shutdown is still there after {@link #SHUTDOWN_WAIT}
     */
    synchronized Optional<DaemonRpc> ifRunning() {
        if (stopping != null) {
            awaitGone();
        }
        if (rpc != null && rpc.isOpen()) {
            return Optional.of(rpc);
        }
        rpc = null;
        long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
        while (true) {
            DaemonRpc connection;
            try {
                connection = DaemonRpc.connect(Pm2Sockets.rpc(pm2Home));
            } catch (IOException e) {
                return Optional.empty();
            }
            try {
                rpc = checkVersion(connection);
                return Optional.of(rpc);
            } catch (Pm2Exception e) {
                if (!e.connectionLost() || System.nanoTime() > deadline) {
                    throw e;
                }
                DaemonLauncher.pause(20);
            }
        }
    }

    /** Forgets a connection that broke, so that the next call connects again. */
    synchronized void reconnectNextTime() {
        if (rpc != null && !rpc.isOpen()) {
            rpc = null;
        }
    }

    /** The connection to the daemon, started first when none runs. */
    synchronized DaemonRpc running() {
        return ifRunning().orElseGet(this::start);
    }

    /**
     * The daemon's event bus, connected on first use; the daemon is started when none runs, and a
     * new one once one that announced its shutdown has gone.
     */
    synchronized DaemonBus bus() {
        running();
        if (bus != null && bus.isOpen()) {
            return bus;
        }
        try {
            bus = DaemonBus.connect(Pm2Sockets.pub(pm2Home));
        } catch (IOException refused) {
            // The daemon died a moment ago and the connection's reader has not seen it yet: forget
            // it, and connect to (or start) the next one.
            disconnect();
            running();
            try {
                bus = DaemonBus.connect(Pm2Sockets.pub(pm2Home));
            } catch (IOException e) {
                throw new Pm2Exception("cannot subscribe to the PM2 daemon's events at " + Pm2Sockets.pub(pm2Home)
                        + ": " + e.getMessage(), e);
            }
        }
        bus.listen(new ProcessEvents.Listener() {
            @Override
            public void event(ProcessEvent event) {
                // Process events are the watches' business.
            }

            @Override
            public void closed(String why) {
                // The connection's reader sees the same close; the next call connects again.
            }

            @Override
            public void stopping(String why) {
                stopping = why;
            }
        });
        return bus;
    }

    /**
     * Waits for the connected daemon, which announced its shutdown, to close its socket and exit,
     * then forgets it.
     */
    private void awaitGone() {
        String why = stopping;
        long pid = connectedPid;
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        while ((rpc != null && rpc.isOpen()) || ProcessLiveness.isAlive(pid)) {
            if (System.nanoTime() - deadline > 0) {
                throw new Pm2Exception("the PM2 daemon of " + pm2Home + (pid > 0 ? " (pid " + pid + ")" : "")
                        + " is shutting down (" + why + ") but still runs after " + SHUTDOWN_WAIT.toSeconds()
                        + " s; stop it (`pm2 kill` with PM2_HOME=" + pm2Home + ") and run `titan-deploy recover`");
            }
            DaemonLauncher.pause(20);
        }
        disconnect();
    }

    /** Whether a daemon answers on this PM2_HOME's socket right now. */
    boolean isRunning() {
        return ifRunning().isPresent();
    }

    /**
     * Returns {@code connection} once its daemon has said it runs a supported pm2, else closes it.
     * Every new connection is checked: the daemon behind a socket path can change between two
     * connections (killed, and started again by another pm2).
     */
    private DaemonRpc checkVersion(DaemonRpc connection) {
        String version;
        try {
            version = connection.call("getVersion", QUICK_CALL, Map.of()).path(0).asText("unknown");
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        if (!version.startsWith(SUPPORTED_VERSIONS)) {
            connection.close();
            throw new TitanException("the PM2 daemon of " + pm2Home + " runs pm2 " + version + ", but this engine"
                    + " is tested with pm2 " + SUPPORTED_VERSIONS + "x only (package.json pins 7.0.4); stop that"
                    + " daemon (`pm2 kill` with its own pm2) or use another PM2_HOME", ExitCodes.BAD_INPUT);
        }
        connectedPid = pid();
        return connection;
    }

    /**
     * Starts a daemon and connects to it (see {@link DaemonLauncher}). Serialised across processes
     * by a lock file, so that two CLIs starting at once on a fresh target do not start two daemons
     * on one socket.
     */
    private DaemonRpc start() {
        DaemonLauncher.createLayout(pm2Home);
        try (FileChannel lockFile = FileChannel.open(pm2Home.resolve("titan-daemon.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            DaemonRpc connection = ifRunning().orElse(null);
            if (connection == null) {
                DaemonLauncher launcher = new DaemonLauncher(pm2Home, binary, parentEnv);
                launcher.reapOrphans();
                connection = checkVersion(launcher.launch());
            }
            rpc = connection;
            return rpc;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + pm2Home.resolve("titan-daemon.lock"), e);
        }
    }

    /** The pid in a pid file, or 0. */
    static long readPid(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Stops every app and the daemon, as {@code pm2 kill} does: no restarts from now on, every
     * process deleted (modules too), then the daemon told to exit, and waited for.
     */
    synchronized void kill() {
        Optional<DaemonRpc> connection = ifRunning();
        if (connection.isEmpty()) {
            return;
        }
        DaemonRpc daemon = connection.get();
        long pid = pid();
        // notifyKillPM2 never replies: it only tells the daemon to stop restarting what exits.
        daemon.callNoReply("notifyKillPM2", Map.of());
        JsonNode processes;
        try {
            processes = daemon.call("getMonitorData", QUICK_CALL, Map.of()).path(0);
        } catch (Pm2Exception e) {
            if (daemon.isOpen()) {
                throw e;
            }
            // The daemon went between the check above and this call (the connection looked open
            // until its reader saw the close): what kill wants, so on to checking it is gone.
            processes = JSON.createArrayNode();
        }
        List<java.util.concurrent.CompletableFuture<JsonNode>> deletes = new ArrayList<>();
        for (JsonNode process : processes) {
            deletes.add(daemon.send("deleteProcessId", process.path("pm2_env").path("pm_id").asInt()));
        }
        for (var delete : deletes) {
            try {
                delete.get(QUICK_CALL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // The daemon is about to go; a process it could not delete goes with it.
            }
        }
        daemon.callNoReply("killMe", Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((daemon.isOpen() || ProcessLiveness.isAlive(pid)) && System.nanoTime() < deadline) {
            DaemonLauncher.pause(10);
        }
        disconnect();
        if (ProcessLiveness.isAlive(pid)) {
            throw new Pm2Exception("the PM2 daemon of " + pm2Home + " (pid " + pid + ") was told to exit but still runs");
        }
    }

    /** The daemon's pid from {@code $PM2_HOME/pm2.pid}, or 0. */
    long pid() {
        return readPid(pm2Home.resolve("pm2.pid"));
    }

}
