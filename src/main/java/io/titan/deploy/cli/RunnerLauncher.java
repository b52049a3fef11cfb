package io.titan.deploy.cli;

import io.titan.deploy.pm2.Executables;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the {@link ReleaseRunner} of a release on this host ({@code release begin --runner}): this
 * JVM's java, class path and flags, in this process's folder and environment, in a session of its own
 * and without Jenkins' process cookies (so that neither the end of the {@code sh} that started it nor
 * Jenkins' process-tree killer take it), its output to {@code runner-<release>.log} in the state dir.
 * Its socket lives in a folder of this user's own under the temp dir (a Unix socket path holds at
 * most 107 bytes). Steps reach it with {@code bin/titan-deploy-step}, run by node.
 */
final class RunnerLauncher {

    /** Where a started runner listens, and how a step reaches it. */
    record Runner(Path socket, Path client, Path node) {
    }

    /** The variables by which Jenkins finds a build's processes to kill them. */
    private static final List<String> JENKINS_COOKIES = List.of("JENKINS_NODE_COOKIE", "BUILD_ID", "JENKINS_SERVER_COOKIE");
    private static final Duration READY = Duration.ofSeconds(10);

    private RunnerLauncher() {
    }

    /**
     * Starts the runner and waits until it listens; empty (and a line in {@code log}) when it cannot be
     * started here: no node, no client beside the CLI, no setsid, or it did not come up.
     */
    static Optional<Runner> start(Path stateDir, String host, String release, Duration idle, Map<String, String> env,
                                  java.util.function.Consumer<String> log) {
        Optional<Path> node = Executables.find("node", env);
        Optional<Path> setsid = Executables.find("setsid", env);
        Path client = clientScript();
        if (node.isEmpty() || setsid.isEmpty() || client == null || !Files.isRegularFile(client)) {
            log.accept("no release runner: " + (node.isEmpty() ? "node is not on the PATH"
                    : setsid.isEmpty() ? "setsid is not on the PATH" : "bin/titan-deploy-step is not beside the CLI")
                    + "; each step starts the CLI");
            return Optional.empty();
        }
        try {
            Path socket = socketFor(stateDir, host, release);
            List<String> command = new ArrayList<>(List.of(setsid.get().toString(),
                    ProcessHandle.current().info().command().orElse("java")));
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ReleaseRunner.class.getName(),
                    socket.toString(), release, host, Long.toString(idle.toSeconds())));
            Files.createDirectories(stateDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("runner-" + release + ".log").toFile()))
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            JENKINS_COOKIES.forEach(builder.environment()::remove);
            Process process = builder.start();
            long deadline = System.nanoTime() + READY.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (listens(socket)) {
                    return Optional.of(new Runner(socket, client, node.get()));
                }
                Thread.sleep(20);
            }
            process.destroy();
            log.accept("no release runner: it did not come up within " + READY.toSeconds() + " s (see "
                    + stateDir.resolve("runner-" + release + ".log") + "); each step starts the CLI");
        } catch (IOException e) {
            log.accept("no release runner: " + e.getMessage() + "; each step starts the CLI");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** Writes {@code {socket, client, node}} to {@code file}, for the steps to find the runner by. */
    static void write(Path file, Runner runner) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of(
                    "socket", runner.socket().toString(), "client", runner.client().toString(),
                    "node", runner.node().toString())) + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("--runner: cannot write " + file, e);
        }
    }

    private static boolean listens(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            // An empty request: the runner answers that it refuses it and closes.
            probe.write(java.nio.ByteBuffer.wrap("[]\n".getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The runner's socket: in a folder only this user may enter, named after the host's state dir and release. */
    static Path socketFor(Path stateDir, String host, String release) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "titan-deploy-" + System.getProperty("user.name"));
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((stateDir.toAbsolutePath() + "\n" + host + "\n"
                    + release).getBytes(StandardCharsets.UTF_8));
            return dir.resolve("runner-" + HexFormat.of().formatHex(digest, 0, 8) + ".sock");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code bin/titan-deploy-step} of the installation this CLI runs from (the jar's, or the classes', project). */
    private static Path clientScript() {
        try {
            Path code = Path.of(ReleaseRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path project = code.getParent() == null ? null : code.getParent().getParent();
            return project == null ? null : project.resolve("bin/titan-deploy-step");
        } catch (java.net.URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
