package io.titan.deploy.pm2;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Where a PM2 daemon listens: {@code rpc.sock} and {@code pub.sock} in its PM2_HOME. */
final class Pm2Sockets {

    /**
     * Longest socket path both ends can use. Linux's {@code sun_path} holds 108 bytes; Node binds
     * and connects paths of up to 108 bytes, but Java 17 refuses any path of 107 bytes or more
     * ("Unix domain path too long", as an IOException, which would read as "no daemon runs" and
     * end in a 20 s wait for a daemon that started fine). So 106, the JVM's limit, is the one
     * that holds.
     */
    static final int MAX_PATH_BYTES = 106;

    private Pm2Sockets() {
    }

    static Path rpc(Path pm2Home) {
        return pm2Home.resolve("rpc.sock");
    }

    static Path pub(Path pm2Home) {
        return pm2Home.resolve("pub.sock");
    }

    /**
     * Rejects a PM2_HOME whose socket paths are too long, before anything is started or changed.
     *
     * @throws TitanException exit 2, naming the path and its length
     */
    static void requireUsable(Path pm2Home) {
        checkLength(rpc(pm2Home));
        checkLength(pub(pm2Home));
    }

    static Path checkLength(Path socket) {
        int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new TitanException("PM2_HOME is too deep for a Unix socket: " + socket + " is " + bytes
                    + " bytes, the limit is " + MAX_PATH_BYTES + "; set pm2.home (or PM2_HOME) to a shorter path",
                    ExitCodes.BAD_INPUT);
        }
        return socket;
    }
}
