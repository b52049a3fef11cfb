package io.titan.deploy.pm2;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds a program on {@code PATH}, as a shell would. */
public final class Executables {

    private Executables() {
    }

    /** The first executable file called {@code name} in the {@code PATH} of {@code env}. */
    public static Optional<Path> find(String name, Map<String, String> env) {
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate.toAbsolutePath().normalize());
                }
            }
        }
        return Optional.empty();
    }
}
