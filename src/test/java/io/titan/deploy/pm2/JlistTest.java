package io.titan.deploy.pm2;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JlistTest {

    /** A getMonitorData reply's process list as pm2 7.0.4 sends it (abridged). */
    private static final String PROCESS_LIST = """
            [{"pid":4847,"name":"svc-a","pm_id":0,"monit":{"memory":55263232,"cpu":8.2},
            """.stripTrailing() + """
            "pm2_env":{"name":"svc-a","status":"online","restart_time":2,"unstable_restarts":1,\
            "pm_uptime":1700000000000,"version":"0.1.0","pm_exec_path":"/srv/a/service.js","pm_cwd":"/srv/a",\
            "args":["--x"],"instances":1,"max_memory_restart":314572800,"autorestart":true,"max_restarts":10,\
            "kill_timeout":1600,"min_uptime":5000,"restart_delay":100,"SECRET":"s3cr3t-value","unique_id":"u",\
            "env":{"PATH":"/usr/bin","HOME":"/root","SECRET":"s3cr3t-value","PORT":"3001","svc-a":"{}",\
            "unique_id":"u","TITAN_PM2_ENV_KEYS":"PORT,SECRET"}}},\
            {"pid":99,"name":"pm2-logrotate","pm_id":1,"monit":{},"pm2_env":{"name":"pm2-logrotate",\
            "pmx_module":true,"status":"online"}},\
            {"pid":0,"name":"svc-b","pm_id":2,"monit":{"memory":0,"cpu":0},"pm2_env":{"name":"svc-b",\
            "status":"waiting restart","pm_exec_path":"/srv/b/b.js","pm_cwd":"/srv/b","args":"--a --b",\
            "env":{"PATH":"/usr/bin","PM2_HOME":"/tmp/x","LEVEL":"debug","svc-b":"{}","unique_id":"u"}}}]
            """;

    private static List<com.fasterxml.jackson.databind.JsonNode> apps() {
        try {
            return Jlist.apps(new com.fasterxml.jackson.databind.ObjectMapper().readTree(PROCESS_LIST));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void listsTheApps() {
        assertThat(apps()).extracting(Jlist::name).containsExactly("svc-a", "svc-b");
    }

    @Test
    void leavesModulesOut() {
        assertThat(apps()).extracting(Jlist::name).doesNotContain("pm2-logrotate");
    }

    @Test
    void mapsAProcessWithoutItsEnvironment() {
        Pm2Process process = Jlist.process(apps().get(0));

        assertThat(process).isEqualTo(new Pm2Process("svc-a", 0, 4847, Pm2Status.ONLINE, 2, 1,
                Instant.ofEpochMilli(1700000000000L), 8.2, 55263232, "0.1.0",
                Path.of("/srv/a/service.js"), Path.of("/srv/a"), "u"));
        assertThat(process.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void waitingRestartHasNoPidAndIsNotOnline() {
        Pm2Process process = Jlist.process(apps().get(1));

        assertThat(process.status()).isEqualTo(Pm2Status.WAITING_RESTART);
        assertThat(process.isOnline()).isFalse();
    }

    @Test
    void recoversTheAppsOwnEnvFromTheMarker() {
        Pm2AppDefinition definition = Jlist.definition(List.of(apps().get(0)));

        assertThat(definition.envExact()).isTrue();
        assertThat(definition.running()).isTrue();
        Pm2App app = definition.app();
        assertThat(app.env()).containsExactly(
                java.util.Map.entry("PORT", "3001"), java.util.Map.entry("SECRET", "s3cr3t-value"));
        assertThat(app.script()).isEqualTo(Path.of("/srv/a/service.js"));
        assertThat(app.args()).containsExactly("--x");
        assertThat(app.maxMemoryRestart()).isEqualTo("300M");
        assertThat(app.minUptime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(app.restartDelay()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void withoutMarkerGivesTheProcessEnvMinusPm2Bookkeeping() {
        Pm2AppDefinition definition = Jlist.definition(List.of(apps().get(1)));

        assertThat(definition.envExact()).isFalse();
        assertThat(definition.app().env()).containsOnlyKeys("PATH", "LEVEL");
        assertThat(definition.app().args()).containsExactly("--a", "--b");
    }

    @Test
    void aListThatIsNotAListIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> Jlist.apps(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("K", "s3cr3t-value")))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("not a list")
                .hasMessageNotContaining("s3cr3t-value");
    }
}
