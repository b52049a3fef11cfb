package io.titan.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: output held against a file kept in the repository. Set {@code UPDATE_GOLDEN=1} to
 * rewrite them after a deliberate change, and read the diff.
 */
public final class Golden {

    private Golden() {
    }

    /** Holds {@code actual} against {@code file} (written first when {@code UPDATE_GOLDEN=1}). */
    public static void compare(Path file, String actual) throws IOException {
        if ("1".equals(System.getenv("UPDATE_GOLDEN"))) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file %s (UPDATE_GOLDEN=1 writes it)", file).exists();
        assertThat(actual).as("output against %s", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
