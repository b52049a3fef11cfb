package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that touch nothing: plan, ecosystem, report, help, exit codes. */
class CliCommandsTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"), "examples", "stand-in-root");

    private static InProcess run(String... args) {
        return InProcess.run(args);
    }

    @Test
    void planJsonOfTheBundledTopologyHasTheSeedsLevels() throws Exception {
        InProcess run = run("plan", "--root", ROOT.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertThat(plan.get("levels").toString()).isEqualTo("[[\"titan-shared\"],[\"titan-security\"],[\"titan-brain\"],"
                + "[\"titan-console\",\"titan-execution\"],[\"titan-ai-quant\",\"titan-phase1-scavenger\"]]");
        assertThat(plan.get("order")).hasSize(7);
    }

    @Test
    void planJsonGivesASchedulerEachServicesHostDependenciesAndLevelAndEachHostsAgent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.js"), "");
        Path config = dir.resolve("titan.yaml");
        Files.writeString(config, """
                hosts:
                  east: {agent: titan-east, address: 10.0.0.2}
                  west: {agent: titan-west, address: 10.0.0.3}
                services:
                  shared: {host: east, script: app.js, port: 4100, health: {http: /health}}
                  brain: {host: west, script: app.js, port: 4101, dependsOn: [shared]}
                """);

        InProcess run = run("plan", "--config", config.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertThat(plan.get("services").toString()).isEqualTo("[{\"name\":\"shared\",\"host\":\"east\",\"dependsOn\":[],"
                + "\"level\":0},{\"name\":\"brain\",\"host\":\"west\",\"dependsOn\":[\"shared\"],\"level\":1}]");
        assertThat(plan.get("hosts").toString()).isEqualTo("{\"east\":{\"agent\":\"titan-east\",\"address\":\"10.0.0.2\"},"
                + "\"west\":{\"agent\":\"titan-west\",\"address\":\"10.0.0.3\"}}");
        // No validation section: a deploy (and titanDeploy) validates nothing more.
        assertThat(plan.get("validation").asBoolean()).isFalse();
    }

    @Test
    void planJsonOfATopologyWithoutHostsHasTheOneLocalHostWithoutAgent() throws Exception {
        InProcess run = run("plan", "--root", ROOT.toString(), "--json");

        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertThat(plan.get("hosts").fieldNames()).toIterable().containsExactly("local");
        assertThat(plan.get("hosts").get("local").get("agent").isNull()).isTrue();
        // The bundled topology checks Redis and the exchanges.
        assertThat(plan.get("validation").asBoolean()).isTrue();
        assertThat(plan.get("services")).allSatisfy(s -> assertThat(s.get("host").asText()).isEqualTo("local"));
    }

    /**
     * What a deploy would send, from a topology whose PM2_HOME (and so its state dir, where the
     * fingerprints' salt lives) is in the test's folder; no daemon is asked. The secret comes from
     * HOME, which every environment has. {@code EcosystemCommandIntegrationTest} holds the output
     * against what a real deploy sent.
     */
    @Test
    void ecosystemHasTheSeedsSettingsAndMasksSecrets(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.js"), "");
        Path config = dir.resolve("titan.yaml");
        Files.writeString(config, """
                pm2: {home: %s/pm2, logRotation: {enabled: false}}
                services:
                  api:
                    script: app.js
                    port: 4100
                    memory: 450M
                    env: {API_KEY: "${HOME}", MODE: live}
                """.formatted(dir));
        Path out = dir.resolve("out/ecosystem.json");

        InProcess run = run("ecosystem", "--config", config.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode app = new ObjectMapper().readTree(out.toFile()).get("apps").get(0);
        assertThat(app.get("name").asText()).isEqualTo("api");
        assertThat(app.get("pm_exec_path").asText()).isEqualTo(dir.resolve("app.js").toString());
        assertThat(app.get("autorestart").asBoolean()).isTrue();
        assertThat(app.get("max_restarts").asInt()).isEqualTo(10);
        assertThat(app.get("max_memory_restart").asLong()).isEqualTo(450L * 1024 * 1024);
        assertThat(app.get("kill_timeout").asInt()).isEqualTo(1600);
        assertThat(app.get("merge_logs").asBoolean()).isTrue();
        assertThat(app.get("pm_out_log_path").asText()).isEqualTo(dir.resolve("pm2/logs/api-out.log").toString());
        assertThat(app.get("env").get("API_KEY").asText()).isEqualTo("****");
        assertThat(app.get("env").get("MODE").asText()).isEqualTo("live");
        assertThat(app.get("env").get("PORT").asText()).isEqualTo("4100");
        assertThat(app.get("env").get("TITAN_FINGERPRINT").asText()).contains("env:API_KEY=").contains("code=");
    }

    @Test
    void ecosystemRefusesAnUnsetSecretAsADeployDoes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.js"), "");
        Path config = dir.resolve("titan.yaml");
        Files.writeString(config, """
                pm2: {home: %s/pm2, logRotation: {enabled: false}}
                services:
                  api: {script: app.js, port: 4100, env: {API_KEY: "${TITAN_TEST_UNSET_SECRET}"}}
                """.formatted(dir));

        InProcess run = run("ecosystem", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("services.api.env.API_KEY").contains("TITAN_TEST_UNSET_SECRET");
    }

    @Test
    void badInputExitsTwoWithTheFileAndField(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("titan.yaml");
        Files.writeString(config, "services:\n  a: {script: x.js, port: 99999}\n");

        InProcess run = run("plan", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("titan.yaml: services.a.script");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownOptionsAndMissingTopologyAreBadInput() {
        assertThat(run("plan", "--bogus").exitCode()).isEqualTo(2);
        InProcess none = run("deploy", "--config", "/nonexistent/titan.yaml");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("/nonexistent/titan.yaml: no such config file");
        assertThat(run("deploy", "--strategy", "random", "--root", ROOT.toString()).err())
                .contains("'random' is not a strategy");
    }

    @Test
    void reportRendersAnExistingJsonReportAndRejectsOtherFiles(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("v.json");
        Files.writeString(json, """
                {"type":"validate","success":false,"startedAt":"2026-11-26T12:00:00Z","durationMs":12,
                 "checks":[{"name":"redis","kind":"redis","target":"redis://127.0.0.1:6379","required":true,
                 "success":false,"durationMs":12,"message":"connection refused"}]}
                """);
        Path html = dir.resolve("v.html");

        assertThat(run("report", "--from", json.toString(), "--html", html.toString()).exitCode()).isZero();
        assertThat(Files.readString(html)).contains("connection refused")
                .contains("<link rel=\"stylesheet\" href=\"titan-report.css\">");
        assertThat(dir.resolve("titan-report.css")).exists();

        Path mail = dir.resolve("mail/v.html");
        assertThat(run("report", "--from", json.toString(), "--html-inline", mail.toString()).exitCode()).isZero();
        assertThat(Files.readString(mail)).contains("connection refused").contains("<style>").doesNotContain("<link");
        assertThat(dir.resolve("mail/titan-report.css")).doesNotExist();

        InProcess noPage = run("report", "--from", json.toString());
        assertThat(noPage.exitCode()).isEqualTo(2);
        assertThat(noPage.err()).contains("--html or --html-inline: give at least one");

        Files.writeString(json, "{\"type\":\"other\"}");
        InProcess bad = run("report", "--from", json.toString(), "--html", html.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--from:").contains("type");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        InProcess run = run("--help");

        assertThat(run.out()).contains("4   another deployment holds the target's lock")
                .contains("3   rollback failed: manual action needed");
    }
}
