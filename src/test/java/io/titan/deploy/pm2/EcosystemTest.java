package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EcosystemTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pm2App brain = Pm2App.builder("titan-brain", Path.of("/srv/titan/brain/index.js"))
            .args(List.of("--port", "3000"))
            .env("PORT", "3000")
            .env("REDIS_PASSWORD", "s3cr3t-value")
            .maxMemoryRestart("600M")
            .build();

    @Test
    void rendersTheSeedsPm2Settings() throws Exception {
        JsonNode app = JSON.readTree(Ecosystem.toJson(List.of(brain))).path("apps").get(0);

        assertThat(app.path("name").asText()).isEqualTo("titan-brain");
        assertThat(app.path("script").asText()).isEqualTo("/srv/titan/brain/index.js");
        assertThat(app.path("cwd").asText()).isEqualTo("/srv/titan/brain");
        assertThat(app.path("args").toString()).isEqualTo("[\"--port\",\"3000\"]");
        assertThat(app.path("exec_mode").asText()).isEqualTo("fork");
        assertThat(app.path("instances").asInt()).isEqualTo(1);
        assertThat(app.path("autorestart").asBoolean()).isTrue();
        assertThat(app.path("max_restarts").asInt()).isEqualTo(10);
        assertThat(app.path("max_memory_restart").asText()).isEqualTo("600M");
        assertThat(app.path("kill_timeout").asLong()).isEqualTo(1600);
        assertThat(app.path("min_uptime").asLong()).isEqualTo(5000);
        assertThat(app.path("restart_delay").asLong()).isEqualTo(100);
        assertThat(app.path("merge_logs").asBoolean()).isTrue();
        assertThat(app.path("time").asBoolean()).isTrue();
        assertThat(app.path("log_date_format").asText()).isEqualTo("YYYY-MM-DDTHH:mm:ss");
        assertThat(app.path("env").path("PORT").asText()).isEqualTo("3000");
        assertThat(app.path("env").path(Ecosystem.ENV_KEYS_MARKER).asText()).isEqualTo("PORT,REDIS_PASSWORD");
    }

    @Test
    void usesClusterModeForSeveralInstancesAndLeavesOutAbsentMemoryLimit() throws Exception {
        Pm2App cluster = brain.toBuilder().instances(3).maxMemoryRestart(null).build();

        JsonNode app = JSON.readTree(Ecosystem.toJson(List.of(cluster))).path("apps").get(0);

        assertThat(app.path("exec_mode").asText()).isEqualTo("cluster");
        assertThat(app.path("instances").asInt()).isEqualTo(3);
        assertThat(app.has("max_memory_restart")).isFalse();
    }

    @Test
    void writesTheFileForOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = Ecosystem.writeSecure(dir, List.of(brain));

        assertThat(file.getFileName().toString()).endsWith(".json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(JSON.readTree(file.toFile()).path("apps").get(0).path("env").path("REDIS_PASSWORD").asText())
                .isEqualTo("s3cr3t-value");
    }

    @Test
    void definitionToStringShowsEnvKeysButNoValues() {
        assertThat(brain.toString()).contains("REDIS_PASSWORD").doesNotContain("s3cr3t-value");
    }

    @Test
    void defaultsMatchTheSeed() {
        Pm2App app = Pm2App.builder("svc", Path.of("/x/app.js")).build();

        assertThat(app.instances()).isEqualTo(1);
        assertThat(app.autorestart()).isTrue();
        assertThat(app.maxRestarts()).isEqualTo(10);
        assertThat(app.killTimeout()).isEqualTo(Duration.ofMillis(1600));
        assertThat(app.minUptime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(app.maxMemoryRestart()).isNull();
    }
}
