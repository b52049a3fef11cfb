package io.titan.deploy.change;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2App;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fingerprints PM2 app definitions and the code they run. The salt of environment hashes is the
 * target's own ({@code fingerprint.salt} in its state dir, created once, owner-only), so equal
 * secrets on two targets do not hash equal and a record cannot be checked against guesses made
 * elsewhere.
 */
public final class Fingerprinter {

    private final byte[] salt;
    private final CodeHasher code;

    public Fingerprinter(byte[] salt, CodeHasher code) {
        this.salt = salt.clone();
        this.code = code;
    }

    /**
     * A fingerprinter for one run on a target, with the target's salt. What the engine reads its
     * orders from or writes itself is never code: the topology file, the state dir, PM2_HOME and
     * this run's {@code outputs} (its reports).
     */
    public static Fingerprinter forRun(Topology topology, Path stateDir, Path pm2Home, java.util.Collection<Path> outputs) {
        java.util.List<Path> excluded = new java.util.ArrayList<>(outputs);
        excluded.add(stateDir);
        excluded.add(pm2Home);
        if (topology.file() != null) {
            excluded.add(topology.file());
        }
        return new Fingerprinter(salt(stateDir), new CodeHasher(excluded));
    }

    /** The fingerprint of {@code app} (secrets resolved) and the code in its working directory. */
    public Fingerprint of(Pm2App app) {
        return of(app, java.util.List.of(app.cwd()), java.util.List.of());
    }

    /**
     * The fingerprint of {@code app} (secrets resolved) and the code under {@code code} (its
     * working directory and any other code paths), without what {@code ignore} matches.
     */
    public Fingerprint of(Pm2App app, java.util.List<Path> code, java.util.List<String> ignore) {
        Map<String, String> parts = new TreeMap<>();
        parts.put("script", hash(app.script().toString()));
        parts.put("cwd", hash(app.cwd().toString()));
        parts.put("args", hash(String.join("\u0000", app.args())));
        parts.put("instances", hash(Integer.toString(app.instances())));
        if (app.waitReady() || (app.clusterMode() && app.instances() == 1)) {
            // Only when set, so that the fingerprints of apps started before these existed stay as they were.
            parts.put("mode", hash((app.clusterMode() ? "cluster" : "fork") + "|" + (app.waitReady() ? "ready" : "")));
        }
        parts.put("limits", hash(app.maxMemoryRestart() + "|" + app.maxRestarts() + "|" + app.autorestart() + "|"
                + app.killTimeout().toMillis() + "|" + app.minUptime().toMillis() + "|" + app.restartDelay().toMillis()));
        parts.put("code", this.code.hash(code, ignore));
        app.env().forEach((key, value) -> parts.put(Fingerprint.ENV + key, saltedHash(value)));
        return new Fingerprint(parts);
    }

    private static String hash(String value) {
        return Fingerprint.sha256(value.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private String saltedHash(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] salted = new byte[salt.length + bytes.length];
        System.arraycopy(salt, 0, salted, 0, salt.length);
        System.arraycopy(bytes, 0, salted, salt.length, bytes.length);
        return Fingerprint.sha256(salted).substring(0, 16);
    }

    private static byte[] salt(Path stateDir) {
        Path file = stateDir.resolve("fingerprint.salt");
        try {
            Files.createDirectories(stateDir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                try {
                    Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))), fresh);
                } catch (FileAlreadyExistsException e) {
                    // Another process created it first; use theirs.
                }
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TitanException("cannot read or create " + file + ": " + e.getMessage(), ExitCodes.FAILED, e);
        }
    }
}
