package io.titan.deploy.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What runs a service's script, as pm2 7.0.4 decides it (its {@code lib/Common.js}). */
public final class Scripts {

    /** Interpreters by script extension, as pm2 7.0.4 picks them; case matters, as in its path.extname. */
    private static final Map<String, String> INTERPRETERS = Map.of(
            ".sh", "bash", ".py", "python", ".rb", "ruby", ".php", "php", ".pl", "perl", ".js", "node");

    private Scripts() {
    }

    /** The interpreter PM2 picks by the script's extension ({@code python} for .py), or empty when none. */
    public static Optional<String> interpreterByExtension(Path script) {
        String name = script.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Optional.ofNullable(INTERPRETERS.get(dot > 0 ? name.substring(dot) : ""));
    }

    /** An ELF file, or a file with a NUL byte early on, is a program of its own (PM2: interpreter none). */
    public static boolean isBinary(Path file) {
        byte[] head = new byte[1024];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
        if (n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return true;
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * What runs {@code script} when it is not Node.js: {@code python}, {@code bash}, {@code a binary
     * of its own}; empty for a script PM2 runs with Node, the only kind it can run in cluster mode
     * (its cluster workers load the script into Node's cluster module).
     */
    public static Optional<String> notNode(Path script) {
        Optional<String> known = interpreterByExtension(script);
        if (known.isPresent()) {
            return known.get().equals("node") ? Optional.empty() : known;
        }
        return isBinary(script) ? Optional.of("a binary of its own") : Optional.empty();
    }
}
