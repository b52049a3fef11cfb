package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a PM2 daemon as {@code pm2} itself does: {@code node <pm2>/lib/Daemon.js}, but in a
 * session of its own ({@code setsid}), with stdin closed and output to {@code $PM2_HOME/pm2.log},
 * so that neither a Ctrl-C nor a cancelled Jenkins build reaches it, and with the minimal
 * environment only: Jenkins' process-tree killer ends every process that carries the build's
 * {@code JENKINS_NODE_COOKIE} or {@code BUILD_ID}, and PM2 passes its own environment on to
 * cluster-mode apps. Before that, the apps a dead daemon left running are stopped.
 */
final class DaemonLauncher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path pm2Home;
    private final Path binary;
    private final Map<String, String> parentEnv;

    DaemonLauncher(Path pm2Home, Path binary, Map<String, String> parentEnv) {
        this.pm2Home = pm2Home;
        this.binary = binary;
        this.parentEnv = parentEnv;
    }

    /**
     * Stops the apps of a daemon that died without stopping them (SIGKILL, OOM killer). They keep
     * their ports, so the same apps started under a new daemon would crash on EADDRINUSE while the
     * orphans answer every health check. PM2 writes each app process's pid to
     * {@code $PM2_HOME/pids/}; a process counts as ours only when its environment says
     * {@code PM2_HOME=} this home, so a recycled pid is never touched. Like a PM2 stop: a signal to
     * the tree (SIGTERM here), SIGKILL after the default kill timeout.
     */
    void reapOrphans() {
        List<ProcessHandle> orphans = new ArrayList<>();
        try (var files = Files.newDirectoryStream(pm2Home.resolve("pids"), "*.pid")) {
            for (Path file : files) {
                long pid = Pm2Daemon.readPid(file);
                ProcessHandle.of(pid).filter(p -> ProcessLiveness.isAlive(pid) && ownedByThisHome(pid))
                        .ifPresent(orphans::add);
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle orphan : orphans) {
            orphan.descendants().forEach(all::add);
            all.add(orphan);
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + Pm2App.DEFAULT_KILL_TIMEOUT.toNanos();
        while (all.stream().anyMatch(p -> ProcessLiveness.isAlive(p.pid())) && System.nanoTime() < deadline) {
            pause(20);
        }
        all.stream().filter(p -> ProcessLiveness.isAlive(p.pid())).forEach(ProcessHandle::destroyForcibly);
    }

    private boolean ownedByThisHome(long pid) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            String wanted = "PM2_HOME=" + pm2Home;
            for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
                if (entry.equals(wanted)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    static void createLayout(Path pm2Home) {
        try {
            for (String dir : List.of("logs", "pids", "modules")) {
                Files.createDirectories(pm2Home.resolve(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PM2_HOME " + pm2Home, e);
        }
    }

    /** Starts a daemon and returns a connection to it once it answers a ping. */
    DaemonRpc launch() {
        Path script = daemonScript(binary).orElse(null);
        Path node = Executables.find("node", parentEnv).orElse(null);
        Path setsid = Executables.find("setsid", parentEnv).orElse(null);
        Process process = null;
        if (script != null && node != null && setsid != null && !hasModules()) {
            process = spawn(List.of(setsid.toString(), node.toString(), script.toString()));
        } else {
            // pm2 starts the installed modules (pm2-logrotate) with a daemon it starts itself, and
            // copes with installations this engine does not know (a wrapper script, no setsid).
            // It detaches its daemon on its own, and gets the minimal environment from Pm2Cli.
            new Pm2Cli(binary, pm2Home, parentEnv).run(List.of("ping"), Pm2Daemon.START_TIMEOUT, Map.of(), List.of());
        }
        long deadline = System.nanoTime() + Pm2Daemon.START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                DaemonRpc connection = DaemonRpc.connect(Pm2Sockets.rpc(pm2Home));
                connection.call("ping", Pm2Daemon.QUICK_CALL, Map.of());
                return connection;
            } catch (IOException e) {
                last = e;
            }
            if (process != null && !process.isAlive()) {
                throw new Pm2Exception("the PM2 daemon started for " + pm2Home + " exited with " + process.exitValue()
                        + " before it listened; " + logTail());
            }
            pause(10);
        }
        throw new Pm2Exception("the PM2 daemon started for " + pm2Home + " did not listen on "
                + Pm2Sockets.rpc(pm2Home) + " within " + Pm2Daemon.START_TIMEOUT.toSeconds() + " s ("
                + (last == null ? "no attempt" : last.getMessage()) + "); " + logTail());
    }

    /** Whether PM2 modules are installed here, which only pm2 itself starts with a new daemon. */
    private boolean hasModules() {
        Path conf = pm2Home.resolve("module_conf.json");
        try {
            return Files.isRegularFile(conf)
                    && !JSON.readTree(Files.readString(conf)).path("module-db-v2").isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    private Process spawn(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(pm2Home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(pm2Home.resolve("pm2.log").toFile()))
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(Pm2Cli.minimalEnv(parentEnv));
        env.put("PM2_HOME", pm2Home.toString());
        // What pm2 gives its daemon: no console output of its own.
        env.put("SILENT", "true");
        try {
            return builder.start();
        } catch (IOException e) {
            throw new Pm2Exception("cannot start the PM2 daemon (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
    }

    /** {@code <pm2 package>/lib/Daemon.js} for a pm2 executable that is pm2's own {@code bin/pm2}. */
    static Optional<Path> daemonScript(Path pm2Binary) {
        try {
            Path real = pm2Binary.toRealPath();
            Path script = real.getParent().getParent().resolve("lib/Daemon.js");
            return real.getParent().getFileName().toString().equals("bin") && Files.isRegularFile(script)
                    ? Optional.of(script) : Optional.empty();
        } catch (IOException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private String logTail() {
        Path log = pm2Home.resolve("pm2.log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            return tail.isEmpty() ? log + " is empty" : "last lines of " + log + ": " + String.join(" | ", tail);
        } catch (IOException e) {
            return "no " + log;
        }
    }

    /** Sleeps while waiting for the daemon; an interruption is a Pm2Exception (the thread stays interrupted). */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Pm2Exception("interrupted while waiting for the PM2 daemon", e);
        }
    }
}
