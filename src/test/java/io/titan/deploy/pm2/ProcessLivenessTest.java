package io.titan.deploy.pm2;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProcessLivenessTest {

    @Test
    void thisJvmIsAlive() {
        assertThat(ProcessLiveness.isAlive(ProcessHandle.current().pid())).isTrue();
    }

    @Test
    void missingAndNonPositivePidsAreDead() {
        assertThat(ProcessLiveness.isAlive(0)).isFalse();
        assertThat(ProcessLiveness.isAlive(-1)).isFalse();
        assertThat(ProcessLiveness.isAlive(Integer.MAX_VALUE)).isFalse();
    }

    @Test
    void aZombieIsDead() throws Exception {
        // `exec sleep` replaces the shell by a process that never reaps; the background child exits
        // after that (a child that exits first may be reaped by the shell before its exec, as CI saw),
        // and stays a zombie for as long as the parent's sleep runs.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0.3 & echo $!; exec sleep 5").start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            long zombie = Long.parseLong(out.readLine().trim());

            await().until(() -> !ProcessLiveness.isAlive(zombie));
            assertThat(ProcessHandle.of(zombie)).as("still in the process table").isPresent();
            assertThat(ProcessLiveness.isAlive(parent.pid())).isTrue();
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }
}
