package io.titan.deploy.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.pm2.Pm2App;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {

    @TempDir
    Path dir;

    private Path service() throws IOException {
        Path folder = dir.resolve("svc");
        Files.createDirectories(folder.resolve("lib"));
        Files.writeString(folder.resolve("index.js"), "require('./lib/a');\n");
        Files.writeString(folder.resolve("lib/a.js"), "module.exports = 1;\n");
        return folder;
    }

    /** One hasher per run: it remembers each folder's hash. */
    private static String hash(Path folder) {
        return new CodeHasher().hash(folder);
    }

    @Test
    void codeHashFollowsContentButNotDependenciesLogsOrReports() throws IOException {
        Path folder = service();
        String first = hash(folder);

        Files.createDirectories(folder.resolve("node_modules/x"));
        Files.writeString(folder.resolve("node_modules/x/index.js"), "anything");
        Files.writeString(folder.resolve("out.log"), "log line");
        Files.createDirectories(folder.resolve("logs"));
        Files.writeString(folder.resolve("logs/app.txt"), "log");
        Files.createDirectories(folder.resolve("titan-reports"));
        Files.writeString(folder.resolve("titan-reports/deploy.json"), "{}");
        assertThat(hash(folder)).isEqualTo(first);

        Files.writeString(folder.resolve("lib/a.js"), "module.exports = 2;\n");
        assertThat(hash(folder)).isNotEqualTo(first).startsWith("files:");
        assertThat(hash(dir.resolve("gone"))).isEqualTo("missing");
    }

    @Test
    void aBuildOutputThatGitIgnoresIsCodeAllTheSame() throws Exception {
        Path folder = service();
        Files.writeString(folder.resolve(".gitignore"), "dist/\n");
        Files.createDirectories(folder.resolve("dist"));
        Files.writeString(folder.resolve("dist/index.js"), "console.log(1);\n");
        git("init", "-q");
        git("add", ".");
        git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "-m", "v1");
        String built = hash(folder);

        Files.writeString(folder.resolve("dist/index.js"), "console.log(2);\n");

        assertThat(hash(folder)).as("a rebuilt dist/ is new code").isNotEqualTo(built);
    }

    @Test
    void excludedFilesIgnoreGlobsAndSeveralCodePathsAreHonoured() throws IOException {
        Path folder = service();
        Path topology = Files.writeString(folder.resolve("titan.yaml"), "services: {}\n");
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(shared.resolve("util.js"), "1");
        List<Path> code = List.of(folder, shared);
        String first = new CodeHasher(List.of(topology)).hash(code, List.of("docs/**"));

        Files.writeString(topology, "services: {a: {script: x.js}}\n");
        Files.createDirectories(folder.resolve("docs"));
        Files.writeString(folder.resolve("docs/readme.md"), "words");
        assertThat(new CodeHasher(List.of(topology)).hash(code, List.of("docs/**"))).isEqualTo(first);

        Files.writeString(shared.resolve("util.js"), "2");
        assertThat(new CodeHasher(List.of(topology)).hash(code, List.of("docs/**"))).isNotEqualTo(first);
    }

    @Test
    void fingerprintsNameWhatChangedAndHideValues() throws IOException {
        Path folder = service();
        Fingerprinter fingerprinter = new Fingerprinter(new byte[] {1, 2, 3}, new CodeHasher());
        Pm2App v1 = Pm2App.builder("api", folder.resolve("index.js")).env(Map.of("TOKEN", "hunter2", "MODE", "a"))
                .maxMemoryRestart("300M").build();
        Pm2App v2 = v1.toBuilder().env(Map.of("TOKEN", "hunter3", "MODE", "a")).maxMemoryRestart("400M")
                .args(List.of("--x")).build();

        Fingerprint a = fingerprinter.of(v1);
        Fingerprint b = fingerprinter.of(v2);

        assertThat(fingerprinter.of(v1)).isEqualTo(a);
        assertThat(b.changesFrom(a)).containsExactly("args", "limits", "env TOKEN");
        assertThat(a.toString()).doesNotContain("hunter2");
        assertThat(new Fingerprinter(new byte[] {9}, new CodeHasher()).of(v1).parts().get("env:TOKEN"))
                .as("another target's salt").isNotEqualTo(a.parts().get("env:TOKEN"));
    }

    private void git(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
