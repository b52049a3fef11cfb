package io.titan.deploy.pm2;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.testing.Integration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real pm2-logrotate install (npm, served from the cache {@code npm ci} filled) and its settings,
 * plus the daemon life cycle on a fresh PM2_HOME.
 */
@Integration
class LogRotationIntegrationTest {

    @TempDir
    Path home;
    private Pm2Manager pm2;

    @AfterEach
    void killDaemon() {
        long daemon = Pm2Manager.daemonPid(home);
        if (pm2 != null) {
            pm2.kill();
        }
        assertThat(ProcessLiveness.isAlive(daemon)).isFalse();
    }

    @Test
    void installsPm2LogrotateAndAppliesTheSeedsSettingsOnce() {
        pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.defaults());

        pm2.initialize();

        assertThat(new LogRotationSetup(null, home, java.time.Duration.ofSeconds(1)).moduleConf()).containsEntry("pm2-logrotate:max_size", "10M")
                .containsEntry("pm2-logrotate:retain", "30")
                .containsEntry("pm2-logrotate:compress", "true")
                .containsEntry("pm2-logrotate:rotateInterval", "0 0 * * *");
        assertThat(home.resolve("modules/pm2-logrotate")).isDirectory();
        assertThat(pm2.getProcessList()).as("the module is not an app").isEmpty();

        // A second initialize finds everything in place and changes only what differs.
        Pm2Manager changed = new Pm2Manager(Pm2TestSupport.PM2, home,
                new LogRotation(true, io.titan.deploy.config.ByteSize.parse("20M"), 7, true));
        changed.initialize();

        assertThat(new LogRotationSetup(null, home, java.time.Duration.ofSeconds(1)).moduleConf()).containsEntry("pm2-logrotate:max_size", "20M")
                .containsEntry("pm2-logrotate:retain", "7");
    }

    @Test
    void aFreshHomeHasNoDaemonUntilPingAndKillDoesNotSpawnOne() {
        pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled());

        pm2.kill();
        assertThat(pm2.getProcessList()).isEmpty();
        assertThat(java.util.Optional.ofNullable(pm2.snapshot().definitions().get("anything"))).isEmpty();
        assertThat(pm2.isDaemonRunning()).isFalse();

        assertThat(pm2.ping()).isTrue();
        assertThat(pm2.isDaemonRunning()).isTrue();
    }
}
