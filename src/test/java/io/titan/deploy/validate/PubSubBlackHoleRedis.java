package io.titan.deploy.validate;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Redis look-alike that answers PING and confirms SUBSCRIBE but never delivers published messages,
 * like a proxy in front of Redis that does not forward pub/sub. A real redis-server always delivers,
 * so this is the one failure the tests cannot produce with the real thing. Speaks just enough RESP2
 * for Jedis.
 */
final class PubSubBlackHoleRedis implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    PubSubBlackHoleRedis() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptForever, "pubsub-black-hole");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptForever() {
        try {
            while (true) {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread handler = new Thread(() -> serve(socket), "pubsub-black-hole-conn");
                handler.setDaemon(true);
                handler.start();
            }
        } catch (IOException closed) {
            // close() ends the loop.
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                List<String> command = readCommand(in);
                if (command == null) {
                    return;
                }
                String name = command.get(0).toUpperCase(Locale.ROOT);
                String reply = switch (name) {
                    case "PING" -> "+PONG\r\n";
                    case "SUBSCRIBE" -> "*3\r\n" + bulk("subscribe") + bulk(command.get(1)) + ":1\r\n";
                    case "UNSUBSCRIBE" -> "*3\r\n" + bulk("unsubscribe") + bulk(command.size() > 1 ? command.get(1) : "") + ":0\r\n";
                    case "PUBLISH" -> ":0\r\n";
                    default -> "-ERR unknown command '" + name + "'\r\n";
                };
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | RuntimeException gone) {
            // Client went away.
        }
    }

    private static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    private static List<String> readCommand(InputStream in) throws IOException {
        String header = readLine(in);
        if (header == null) {
            return null;
        }
        int count = Integer.parseInt(header.substring(1));
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = Integer.parseInt(readLine(in).substring(1));
            byte[] data = in.readNBytes(length + 2);
            parts.add(new String(data, 0, length, StandardCharsets.UTF_8));
        }
        return parts;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                return line.toString();
            }
            line.append((char) c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
