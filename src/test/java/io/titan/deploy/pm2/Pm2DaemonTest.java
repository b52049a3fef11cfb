package io.titan.deploy.pm2;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.TitanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the engine accepts as a PM2 daemon, against fake daemons on a temp PM2_HOME: its version,
 * checked on every connection, and a PM2_HOME short enough for its sockets.
 */
@Integration
class Pm2DaemonTest {

    @TempDir
    Path dir;

    @Test
    void refusesADaemonOfAnotherVersionNamingBothVersions() {
        Path home = dir.resolve("pm2");
        try (FakeDaemon old = FakeDaemon.listen(socketIn(home), FakeDaemon.pm2Of("6.0.0"))) {
            Pm2Manager pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled());

            for (Runnable call : new Runnable[] {pm2::initialize, pm2::getProcessList, pm2::kill}) {
                assertThatThrownBy(call::run)
                        .isInstanceOf(TitanException.class)
                        .hasMessageContaining("runs pm2 6.0.0")
                        .hasMessageContaining("7.0.x").hasMessageContaining("7.0.4")
                        .hasMessageContaining(home.toString())
                        .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(2));
            }
            assertThat(old.methodsSeen()).as("nothing is asked of a daemon of another version").containsOnly("getVersion");
            assertThat(home.resolve("pm2.log")).as("no daemon was started beside it").doesNotExist();
        }
    }

    @Test
    void checksTheVersionOfEveryNewConnection() {
        Path home = dir.resolve("pm2");
        Pm2Manager pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled());
        try (FakeDaemon current = FakeDaemon.listen(socketIn(home), FakeDaemon.pm2Of("7.0.4"))) {
            assertThat(pm2.getProcessList()).isEmpty();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !pm2.isDaemonRunning());

        // Someone killed that daemon and started their own pm2 6 on the same PM2_HOME.
        try (FakeDaemon old = FakeDaemon.listen(socketIn(home), FakeDaemon.pm2Of("6.0.0"))) {
            assertThatThrownBy(pm2::getProcessList)
                    .isInstanceOf(TitanException.class)
                    .hasMessageContaining("runs pm2 6.0.0")
                    .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(2));
            assertThat(old.methodsSeen()).containsOnly("getVersion");
        }
    }

    @Test
    void killFindsNothingToDoWhenTheDaemonDiesAsItIsAsked() {
        Path home = dir.resolve("pm2");
        Pm2Manager pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled());
        java.util.function.Function<FakeDaemon.Call, byte[]> pm2Seven = FakeDaemon.pm2Of("7.0.4");
        try (FakeDaemon dying = FakeDaemon.listen(socketIn(home),
                call -> call.method().equals("getMonitorData") ? FakeDaemon.DROP : pm2Seven.apply(call))) {
            assertThat(pm2.isDaemonRunning()).isTrue();

            // The connection is still open when kill starts; the daemon goes while kill asks for its list.
            pm2.kill();

            assertThat(dying.methodsSeen()).containsExactly("getVersion", "notifyKillPM2", "getMonitorData");
        }
        assertThat(pm2.isDaemonRunning()).isFalse();
    }

    @Test
    void refusesAPm2HomeTooDeepForItsSocketsBeforeCreatingIt() {
        for (int bytes : new int[] {107, 108, 200}) {
            Path home = homeWithSocketPathOf(bytes);

            assertThatThrownBy(() -> new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled()))
                    .isInstanceOf(TitanException.class)
                    .hasMessageContaining(home.resolve("rpc.sock") + " is " + bytes + " bytes, the limit is 106")
                    .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(2));
            assertThat(dir.resolve("deep")).doesNotExist();
        }
    }

    @Test
    void acceptsAPm2HomeWhoseSocketPathIsAsLongAsTheJvmCanConnectTo() {
        Path home = homeWithSocketPathOf(106);
        Pm2Manager pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled());

        try (FakeDaemon daemon = FakeDaemon.listen(socketIn(home), FakeDaemon.pm2Of("7.0.4"))) {
            assertThat(pm2.isDaemonRunning()).isTrue();
            assertThat(pm2.getProcessList()).isEmpty();
        }
    }

    @Test
    void theJvmCannotUseA107ByteSocketPathThatNodeCan() throws Exception {
        Path socket = dir.resolve("s".repeat(107 - dir.toString().length() - 1));
        assertThat(socket.toString()).hasSize(107);
        Process node = new ProcessBuilder("node", "-e",
                "const s=require('net').createServer(c=>c.end());s.listen(process.argv[1],()=>console.log('listening'));"
                        + "setTimeout(()=>s.close(),20000)", socket.toString())
                .redirectErrorStream(true).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(node.getInputStream())).readLine())
                    .isEqualTo("listening");

            // Why the limit is 106 and not the kernel's 107: Java 17 refuses the longer path.
            assertThatThrownBy(() -> {
                try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                        java.net.StandardProtocolFamily.UNIX)) {
                    channel.connect(java.net.UnixDomainSocketAddress.of(socket));
                }
            }).isInstanceOf(java.net.SocketException.class).hasMessageContaining("too long");
        } finally {
            node.destroyForcibly().waitFor();
        }
    }

    /** A PM2_HOME below {@code dir/deep} whose {@code rpc.sock} path is {@code bytes} long. */
    private Path homeWithSocketPathOf(int bytes) {
        Path base = dir.resolve("deep");
        int missing = bytes - base.resolve("x/rpc.sock").toString().length();
        assertThat(missing).isPositive();
        Path home = base.resolve("x".repeat(missing + 1));
        assertThat(home.resolve("rpc.sock").toString()).hasSize(bytes);
        return home;
    }

    private static Path socketIn(Path home) {
        try {
            Files.createDirectories(home);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Pm2Sockets.rpc(home);
    }
}
