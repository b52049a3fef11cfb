package io.titan.deploy.validate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for test servers. */
final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on right now; also what "connection refused" tests connect to. */
    static int unused() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
