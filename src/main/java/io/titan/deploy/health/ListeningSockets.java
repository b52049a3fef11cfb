package io.titan.deploy.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a process listens for TCP connections, read from Linux's {@code /proc}: the socket inodes
 * the process holds ({@code /proc/PID/fd/N -> socket:[INODE]}) matched against the listening sockets
 * of its network namespace ({@code /proc/PID/net/tcp} and {@code tcp6}). It says why a health check
 * is refused while the service runs: it listens elsewhere. Best effort: empty where there is no
 * {@code /proc}, the process is gone, or its descriptors cannot be read (another user's process).
 */
public final class ListeningSockets {

    /** {@code st} of a listening socket in {@code /proc/net/tcp}. */
    private static final String LISTEN = "0A";

    private final Path proc;

    /** @param proc where procfs is mounted ({@code /proc}) */
    public ListeningSockets(Path proc) {
        this.proc = proc;
    }

    /** Reads the machine's {@code /proc}. */
    public static ListeningSockets system() {
        return new ListeningSockets(Path.of("/proc"));
    }

    /** The addresses {@code pid} listens on, in the order the kernel lists them; empty when unknown. */
    public List<InetSocketAddress> of(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        Set<String> inodes = socketInodes(dir.resolve("fd"));
        if (inodes.isEmpty()) {
            return List.of();
        }
        Set<InetSocketAddress> found = new LinkedHashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            found.addAll(listening(dir.resolve("net").resolve(table), inodes));
        }
        return List.copyOf(found);
    }

    private static Set<String> socketInodes(Path fds) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[") && link.endsWith("]")) {
                        inodes.add(link.substring("socket:[".length(), link.length() - 1));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // Closed meanwhile, or not a link: not a socket of the process now.
                }
            }
        } catch (IOException | SecurityException e) {
            // No such process, not Linux, or not ours to look at: nothing known.
        }
        return inodes;
    }

    /** The listening sockets of {@code table} whose inode is one of {@code inodes}. */
    private static List<InetSocketAddress> listening(Path table, Set<String> inodes) {
        List<InetSocketAddress> found = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return found;
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10 || !LISTEN.equals(fields[3]) || !inodes.contains(fields[9])) {
                continue;
            }
            address(fields[1]).ifPresent(found::add);
        }
        return found;
    }

    /** {@code 0100007F:0BB8} (IPv4: 127.0.0.1:3000) or 32 hex digits and a port (IPv6), words in host order. */
    static Optional<InetSocketAddress> address(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String hex = text.substring(0, colon);
        if (hex.length() != 8 && hex.length() != 32) {
            return Optional.empty();
        }
        try {
            byte[] bytes = new byte[hex.length() / 2];
            // The kernel prints each 32-bit word of the address as a number in the machine's byte order.
            boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            for (int word = 0; word < bytes.length / 4; word++) {
                for (int i = 0; i < 4; i++) {
                    int at = word * 8 + (little ? 3 - i : i) * 2;
                    bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
                }
            }
            int port = Integer.parseInt(text.substring(colon + 1), 16);
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(bytes), port));
        } catch (NumberFormatException | UnknownHostException e) {
            return Optional.empty();
        }
    }
}
