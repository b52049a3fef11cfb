package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands that touch nothing: plan, ecosystem, report, help, exit codes. */
class CliCommandsTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"), "examples", "stand-in-root");

    /** What an in-process run of the CLI returned and printed. */
    record Run(int exitCode, String out, String err) {
    }

    /** Runs the CLI in this JVM (for commands that start no process of their own). */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TitanDeployCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void planJsonOfTheBundledTopologyHasTheSeedsLevels() throws Exception {
        Run run = run("plan", "--root", ROOT.toString(), "--json");

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

        Run run = run("plan", "--config", config.toString(), "--json");

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
        Run run = run("plan", "--root", ROOT.toString(), "--json");

        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertThat(plan.get("hosts").fieldNames()).toIterable().containsExactly("local");
        assertThat(plan.get("hosts").get("local").get("agent").isNull()).isTrue();
        // The bundled topology checks Redis and the exchanges.
        assertThat(plan.get("validation").asBoolean()).isTrue();
        assertThat(plan.get("services")).allSatisfy(s -> assertThat(s.get("host").asText()).isEqualTo("local"));
    }

    @Test
    void ecosystemHasTheSeedsSettingsAndMasksSecrets(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.js"), "");
        Path config = dir.resolve("titan.yaml");
        Files.writeString(config, """
                services:
                  api:
                    script: app.js
                    port: 4100
                    memory: 450M
                    env: {API_KEY: "${SECRET_API_KEY}", MODE: live}
                """);
        Path out = dir.resolve("out/ecosystem.json");

        Run run = run("ecosystem", "--config", config.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode app = new ObjectMapper().readTree(out.toFile()).get("apps").get(0);
        assertThat(app.get("name").asText()).isEqualTo("api");
        assertThat(app.get("autorestart").asBoolean()).isTrue();
        assertThat(app.get("max_restarts").asInt()).isEqualTo(10);
        assertThat(app.get("max_memory_restart").asText()).isEqualTo("450M");
        assertThat(app.get("kill_timeout").asInt()).isEqualTo(1600);
        assertThat(app.get("merge_logs").asBoolean()).isTrue();
        assertThat(app.get("env").get("API_KEY").asText()).isEqualTo("****");
        assertThat(app.get("env").get("MODE").asText()).isEqualTo("live");
        assertThat(app.get("env").get("PORT").asText()).isEqualTo("4100");
    }

    @Test
    void ecosystemOfTheBundledTopologyListsEveryServiceWithItsMemoryLimit() throws Exception {
        Run run = run("ecosystem", "--root", ROOT.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> limits = new ArrayList<>();
        new ObjectMapper().readTree(run.out()).get("apps").forEach(a -> limits.add(a.get("max_memory_restart").asText()));
        assertThat(limits).hasSize(7).allSatisfy(l -> assertThat(l).matches("[2-6]00M"));
    }

    @Test
    void badInputExitsTwoWithTheFileAndField(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("titan.yaml");
        Files.writeString(config, "services:\n  a: {script: x.js, port: 99999}\n");

        Run run = run("plan", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("titan.yaml: services.a.script");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownOptionsAndMissingTopologyAreBadInput() {
        assertThat(run("plan", "--bogus").exitCode()).isEqualTo(2);
        Run none = run("deploy", "--config", "/nonexistent/titan.yaml");
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

        Run noPage = run("report", "--from", json.toString());
        assertThat(noPage.exitCode()).isEqualTo(2);
        assertThat(noPage.err()).contains("--html or --html-inline: give at least one");

        Files.writeString(json, "{\"type\":\"other\"}");
        Run bad = run("report", "--from", json.toString(), "--html", html.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--from:").contains("type");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Run run = run("--help");

        assertThat(run.out()).contains("4   another deployment holds the target's lock")
                .contains("3   rollback failed: manual action needed");
    }
}
