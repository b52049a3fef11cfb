package io.titan.deploy.pm2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The call discipline, with a shell script standing in for the pm2 executable. */
class Pm2CliTest {

    @TempDir
    Path tmp;

    @Test
    void runsWithAMinimalEnvironmentAndPm2Home() throws IOException {
        Map<String, String> parent = Map.of("PATH", System.getenv("PATH"), "AWS_SECRET_ACCESS_KEY", "s3cr3t-value");

        String out = new Pm2Cli(script("env"), tmp, parent).run(List.of(), Duration.ofSeconds(5), Map.of(), List.of())
                .stdout();

        assertThat(out).contains("PM2_HOME=" + tmp).contains("PATH=").doesNotContain("AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void aNonZeroExitNamesTheCommandAndTheErrorTailWithSecretsMasked() throws IOException {
        Pm2Cli cli = cli("echo 'out'; for i in $(seq 1 30); do echo \"line $i\" >&2; done;"
                + " echo 'token s3cr3t-value refused' >&2; exit 3");

        assertThatThrownBy(() -> cli.run(List.of("start", "x"), Duration.ofSeconds(5), Map.of(),
                List.of("s3cr3t-value")))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageStartingWith("pm2 start x exited with 3")
                .hasMessageContaining("token **** refused")
                .hasMessageContaining("line 30")
                .hasMessageNotContaining("line 11\n")
                .hasMessageNotContaining("s3cr3t-value");
    }

    @Test
    void anErrorPrintedWithExitZeroIsAFailure() throws IOException {
        Pm2Cli cli = cli("printf '\\033[31m[PM2][ERROR] \\033[39mProcess x not found\\n'; exit 0");

        assertThatThrownBy(() -> cli.run(List.of("stop", "x"), Duration.ofSeconds(5), Map.of(), List.of()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("exited with 0 but reported an error")
                .hasMessageContaining("[PM2][ERROR] Process x not found");
    }

    @Test
    void aCallThatHangsIsKilledAfterTheTimeout() throws IOException {
        Pm2Cli cli = cli("exec sleep 30");
        long started = System.nanoTime();

        assertThatThrownBy(() -> cli.run(List.of("jlist"), Duration.ofMillis(300), Map.of(), List.of()))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("pm2 jlist did not finish");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    private Pm2Cli cli(String body) throws IOException {
        return new Pm2Cli(script(body), tmp, System.getenv());
    }

    private Path script(String body) throws IOException {
        Path file = Files.createTempFile(tmp, "pm2-", ".sh");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
