package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListeningSocketsTest {

    @Test
    void findsTheAddressThisProcessListensOnAndNotTheOnesItDoesNot() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
        InetSocketAddress address;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort());

            assertThat(ListeningSockets.system().of(ProcessHandle.current().pid())).contains(address);
        }
        assertThat(ListeningSockets.system().of(ProcessHandle.current().pid())).doesNotContain(address);
    }

    @Test
    void readsTheProcessesSocketInodesAgainstItsListeningTcpAndTcp6Sockets(@TempDir Path proc) throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the tables below are a little-endian kernel's");
        Path fd = Files.createDirectories(proc.resolve("42/fd"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[1001]"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of("socket:[1002]"));
        Files.createSymbolicLink(fd.resolve("5"), Path.of("/dev/null"));
        Path net = Files.createDirectories(proc.resolve("42/net"));
        String header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        Files.writeString(net.resolve("tcp"), header
                // 127.0.0.1:3000 listening, ours
                + "   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1\n"
                // 10.0.1.5:3000 listening, another process's
                + "   1: 0501000A:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2002 1\n"
                // 127.0.0.1:40000 -> 127.0.0.1:3000 established, ours but not listening
                + "   2: 0100007F:9C40 0100007F:0BB8 01 00000000:00000000 00:00000000 00000000  1000        0 1002 1\n");
        Files.writeString(net.resolve("tcp6"), header
                // [::]:3001 listening, ours
                + "   0: 00000000000000000000000000000000:0BB9 00000000000000000000000000000000:0000 0A "
                + "00000000:00000000 00:00000000 00000000  1000        0 1002 1\n");

        List<InetSocketAddress> listening = new ListeningSockets(proc).of(42);

        assertThat(listening).containsExactly(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 3000),
                new InetSocketAddress(InetAddress.getByName("::"), 3001));
        assertThat(new ListeningSockets(proc).of(43)).as("no such process").isEmpty();
    }

    @Test
    void anAddressThatIsNoneReadsAsNothing() {
        assertThat(ListeningSockets.address("0100007F")).isEmpty();
        assertThat(ListeningSockets.address("01007F:0BB8")).isEmpty();
        assertThat(ListeningSockets.address("XX00007F:0BB8")).isEmpty();
    }
}
