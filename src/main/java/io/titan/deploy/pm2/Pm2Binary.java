package io.titan.deploy.pm2;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the pm2 executable. Order:
 * <ol>
 *   <li>the configured path ({@code pm2.binary}), when given;</li>
 *   <li>env {@code TITAN_PM2};</li>
 *   <li>{@code <project>/node_modules/.bin/pm2}, the version pinned in package.json and installed
 *       by {@code npm ci}; the project is env {@code TITAN_PROJECT_DIR}, else the first folder with
 *       a package.json above the engine's jar or classes;</li>
 *   <li>{@code pm2} on {@code PATH}.</li>
 * </ol>
 * A configured path or {@code TITAN_PM2} that is set but not executable fails at once instead of
 * falling through: silently running some other pm2 than the one asked for is worse than stopping.
 */
public final class Pm2Binary {

    /** Env variable naming the pm2 executable. */
    public static final String ENV_PM2 = "TITAN_PM2";
    /** Env variable naming the project folder holding package.json and node_modules. */
    public static final String ENV_PROJECT_DIR = "TITAN_PROJECT_DIR";

    private Pm2Binary() {
    }

    /**
     * Resolves pm2 from this JVM's environment and code location.
     *
     * @param configured the configured path, or null
     * @return an executable file
     * @throws TitanException exit 2 when pm2 is nowhere, with the places looked at
     */
    public static Path resolve(String configured) {
        return resolve(configured, System.getenv(), codeLocation());
    }

    /**
     * Resolves pm2 from the given environment; the testable form of {@link #resolve(String)}.
     *
     * @param configured   the configured path, or null
     * @param env          environment variables ({@code TITAN_PM2}, {@code TITAN_PROJECT_DIR}, {@code PATH})
     * @param codeLocation where the engine's classes live, the start of the package.json search; may be null
     */
    public static Path resolve(String configured, Map<String, String> env, Path codeLocation) {
        List<String> looked = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            return explicit(Path.of(configured), "configured pm2 binary");
        }
        looked.add("configured path (not set)");
        String fromEnv = env.get(ENV_PM2);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return explicit(Path.of(fromEnv), ENV_PM2);
        }
        looked.add(ENV_PM2 + " (not set)");
        Optional<Path> project = projectDir(env, codeLocation);
        if (project.isPresent()) {
            Path local = project.get().resolve("node_modules/.bin/pm2");
            if (Files.isExecutable(local)) {
                return local.toAbsolutePath().normalize();
            }
            looked.add(local.toString());
        } else {
            looked.add(ENV_PROJECT_DIR + " (not set) and no package.json above " + codeLocation);
        }
        Optional<Path> onPath = Executables.find("pm2", env);
        if (onPath.isPresent()) {
            return onPath.get();
        }
        looked.add("pm2 on PATH");
        throw new TitanException("pm2 not found; looked at: " + String.join(", ", looked)
                + ". Run `npm ci` in the project folder to install the pinned pm2, or set "
                + ENV_PM2 + " or pm2.binary.", ExitCodes.BAD_INPUT);
    }

    /**
     * The project folder: env {@code TITAN_PROJECT_DIR}, else the nearest folder at or above
     * {@code codeLocation} holding a package.json.
     */
    static Optional<Path> projectDir(Map<String, String> env, Path codeLocation) {
        String fromEnv = env.get(ENV_PROJECT_DIR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv).toAbsolutePath().normalize());
        }
        for (Path dir = codeLocation == null ? null : codeLocation.toAbsolutePath().normalize();
             dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static Path explicit(Path path, String what) {
        if (!Files.isExecutable(path) || Files.isDirectory(path)) {
            throw new TitanException(what + " " + path + " is not an executable file", ExitCodes.BAD_INPUT);
        }
        return path.toAbsolutePath().normalize();
    }

    private static Path codeLocation() {
        CodeSource source = Pm2Binary.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            // A custom class loader without a code source: the env and PATH steps still apply.
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
