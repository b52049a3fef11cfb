package io.titan.deploy.pm2;

import io.titan.deploy.TitanException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pm2BinaryTest {

    @TempDir
    Path tmp;
    private Path configured;
    private Path fromEnv;
    private Path project;
    private Path onPath;

    @BeforeEach
    void layOutCandidates() throws IOException {
        configured = executable(tmp.resolve("configured/pm2"));
        fromEnv = executable(tmp.resolve("env/pm2"));
        project = tmp.resolve("project");
        executable(project.resolve("node_modules/.bin/pm2"));
        Files.writeString(project.resolve("package.json"), "{}");
        onPath = executable(tmp.resolve("bin/pm2"));
    }

    @Test
    void prefersTheConfiguredPath() {
        Map<String, String> env = Map.of("TITAN_PM2", fromEnv.toString(), "PATH", onPath.getParent().toString());

        assertThat(Pm2Binary.resolve(configured.toString(), env, project)).isEqualTo(configured);
    }

    @Test
    void thenTitanPm2() {
        Map<String, String> env = Map.of("TITAN_PM2", fromEnv.toString(), "PATH", onPath.getParent().toString());

        assertThat(Pm2Binary.resolve(null, env, project)).isEqualTo(fromEnv);
    }

    @Test
    void thenTheProjectDirFromEnv() {
        Map<String, String> env = Map.of("TITAN_PROJECT_DIR", project.toString(), "PATH", onPath.getParent().toString());

        assertThat(Pm2Binary.resolve(null, env, tmp)).isEqualTo(project.resolve("node_modules/.bin/pm2"));
    }

    @Test
    void thenTheProjectAboveTheCodeLocation() throws IOException {
        Path classes = Files.createDirectories(project.resolve("target/classes"));

        assertThat(Pm2Binary.resolve(null, Map.of("PATH", onPath.getParent().toString()), classes))
                .isEqualTo(project.resolve("node_modules/.bin/pm2"));
    }

    @Test
    void thenPm2OnPath() {
        assertThat(Pm2Binary.resolve(null, Map.of("PATH", "/nonexistent:" + onPath.getParent()), tmp))
                .isEqualTo(onPath);
    }

    @Test
    void missingEverywhereIsBadInputNamingThePlacesAndNpmCi() {
        assertThatThrownBy(() -> Pm2Binary.resolve(null, Map.of("PATH", "/nonexistent"), tmp))
                .isInstanceOf(TitanException.class)
                .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(2))
                .hasMessageContaining("TITAN_PM2")
                .hasMessageContaining("pm2 on PATH")
                .hasMessageContaining("npm ci");
    }

    @Test
    void aConfiguredPathThatIsMissingFailsInsteadOfFallingThrough() {
        Map<String, String> env = Map.of("PATH", onPath.getParent().toString());

        assertThatThrownBy(() -> Pm2Binary.resolve(tmp.resolve("nope").toString(), env, project))
                .isInstanceOf(TitanException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void pm2HomeComesFromConfigThenEnvThenUserHome() {
        Path user = tmp.resolve("user");

        assertThat(Pm2Manager.resolvePm2Home("/a", Map.of("PM2_HOME", "/b"), user)).isEqualTo(Path.of("/a"));
        assertThat(Pm2Manager.resolvePm2Home(null, Map.of("PM2_HOME", "/b"), user)).isEqualTo(Path.of("/b"));
        assertThat(Pm2Manager.resolvePm2Home(" ", Map.of(), user)).isEqualTo(user.resolve(".pm2"));
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
