package io.titan.deploy.pm2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interpreter choices of {@link AppConfig} that {@link AppConfigGoldenTest} cannot reach on
 * this machine, because they depend on what PATH holds.
 */
class AppConfigTest {

    @TempDir
    Path dir;

    @Test
    void pythonScriptRunsWithPython3WhereThePathHasNoPython() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("python3"));
        Path script = Files.writeString(dir.resolve("worker.py"), "print(1)\n");

        assertThat(AppConfig.interpreter(script, Path.of("/usr/bin/node"), Map.of("PATH", bin.toString())))
                .isEqualTo("python3");

        executable(bin.resolve("python"));
        assertThat(AppConfig.interpreter(script, Path.of("/usr/bin/node"), Map.of("PATH", bin.toString())))
                .isEqualTo("python");
    }

    @Test
    void pythonAppsGetUnbufferedOutputOverTheirOwnSetting() throws IOException {
        Path script = Files.writeString(dir.resolve("worker.py"), "print(1)\n");
        Pm2App app = Pm2App.builder("py", script).env("PYTHONUNBUFFERED", "0").build();

        assertThat(AppConfig.of(app, dir, Map.of(), Path.of("node"), "u").path("env").path("PYTHONUNBUFFERED").asText())
                .isEqualTo("1");
    }

    @Test
    void scriptPm2CannotNameRunsWithTheRealPathOfNodeAsNodeNamesItself() throws IOException {
        Path node = executable(dir.resolve("node-20"));
        Path link = Files.createSymbolicLink(dir.resolve("node"), node);
        Path script = Files.writeString(dir.resolve("service"), "console.log(1)\n");

        assertThat(AppConfig.interpreter(script, link, Map.of())).isEqualTo(node.toRealPath().toString());
    }

    @Test
    void extensionsAreMatchedWithTheirCaseAsPm2MatchesThem() throws IOException {
        Path node = executable(dir.resolve("node"));
        Path upper = Files.writeString(dir.resolve("SERVICE.JS"), "console.log(1)\n");
        Path lower = Files.writeString(dir.resolve("service.js"), "console.log(1)\n");

        assertThat(AppConfig.interpreter(upper, node, Map.of())).isEqualTo(node.toRealPath().toString());
        assertThat(AppConfig.interpreter(lower, node, Map.of())).isEqualTo("node");
    }

    private static Path executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
