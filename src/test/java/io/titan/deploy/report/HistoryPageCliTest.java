package io.titan.deploy.report;

import io.titan.deploy.testing.Integration;
import io.titan.deploy.deploy.ServiceStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code titan-deploy history --html} over releases the CLI really deployed to a real PM2: two
 * that deployed and one whose titan-brain crashes, rolled back. The page's grid must say, cell by
 * cell, what the release records and the kept deploy reports say, and render under Jenkins' CSP as
 * without it.
 *
 * <pre>
 *   titan-shared <── titan-brain <── titan-console
 * </pre>
 */
@Integration
class HistoryPageCliTest {

    private static final List<String> SERVICES = List.of("titan-shared", "titan-brain", "titan-console");

    private Sandbox sandbox;
    private final Map<String, Integer> ports = new java.util.HashMap<>();
    private Path script;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        script = sandbox.standInCopy("code");
        SERVICES.forEach(s -> ports.put(s, Sandbox.freePort()));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** Release {@code n}: titan-console's LOG_LEVEL changes each time; {@code crash} breaks titan-brain. */
    private void release(int n, boolean crash, String... extraArgs) throws IOException {
        String yaml = new TopologyYaml(sandbox.pm2Home()).soak("300ms").startupTimeout("6s")
                .service("titan-shared", script, ports.get("titan-shared"), List.of(), Map.of())
                .service("titan-brain", script, ports.get("titan-brain"), List.of("titan-shared"),
                        crash ? Map.of("CRASH_ON_START", "1") : Map.of())
                .service("titan-console", script, ports.get("titan-console"), List.of("titan-brain"),
                        Map.of("LOG_LEVEL", "level-" + n))
                .build();
        Files.writeString(sandbox.dir().resolve("titan.yaml"), yaml);
        List<String> args = new ArrayList<>(List.of("deploy", "--config", "titan.yaml"));
        args.addAll(List.of(extraArgs));
        Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(90), args.toArray(String[]::new));
        assertThat(cli.exitCode()).as(cli.stdout() + cli.stderr()).isEqualTo(crash ? 1 : 0);
    }

    @Test
    void theGridSaysWhatTheRecordsAndReportsSayAndRendersTheSameUnderJenkinsCsp() throws Exception {
        release(1, false);
        release(2, false);
        release(3, true, "--history-html", "reports/history-after-deploy.html");

        Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(60), "history", "--config", "titan.yaml",
                "--json", "--html", "reports/history.html");
        assertThat(cli.exitCode()).as(cli.stderr()).isZero();

        Path state = sandbox.pm2Home().resolve("titan");
        List<ReleaseRecord> records = new ReleaseStore(state).list();
        ReportArchive archive = new ReportArchive(state.resolve("reports"));
        assertThat(records).hasSizeGreaterThanOrEqualTo(3);
        int current = records.stream().map(ReleaseRecord::status).toList().indexOf(ReleaseRecord.Status.DEPLOYED);
        assertThat(current).as("the second deploy is what runs").isEqualTo(1);
        try (java.util.stream.Stream<Path> kept = Files.list(state.resolve("reports"))) {
            assertThat(kept.map(f -> f.getFileName().toString())).as("one report per release record")
                    .containsExactlyInAnyOrderElementsOf(records.stream().map(r -> r.id() + ".json").toList());
        }
        assertThat(records.get(0).status()).isEqualTo(ReleaseRecord.Status.ROLLED_BACK);
        DeployReport failed = archive.find(records.get(0).id()).orElseThrow();
        assertThat(failed.services()).filteredOn(s -> s.name().equals("titan-brain"))
                .extracting(ServiceReport::status).containsExactly(ServiceStatus.FAILED);

        // history --json: the records, newest first, each with its report's per-service results.
        JsonNode json = new ObjectMapper().readTree(cli.stdout());
        assertThat(json).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            ReleaseRecord record = records.get(i);
            JsonNode release = json.get(i);
            assertThat(release.get("id").asText()).isEqualTo(record.id());
            assertThat(release.get("result").asText())
                    .isEqualTo(record.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            assertThat(release.get("current").asBoolean()).isEqualTo(i == current);
            List<ServiceReport> reported = archive.find(record.id()).orElseThrow().services();
            assertThat(release.get("results").findValuesAsText("service"))
                    .containsExactlyElementsOf(reported.stream().map(ServiceReport::name).toList());
            for (ServiceReport s : reported) {
                JsonNode cell = release.get("results").get(reported.indexOf(s));
                assertThat(cell.get("status").asText()).isEqualTo(s.status().value());
                assertThat(cell.get("timeToHealthyMs").isNull()).isEqualTo(s.readyAt() == null);
            }
        }

        // The page, as the browser reads it under Jenkins' CSP: rows in topology order, columns oldest
        // first, and in every cell the report's word and time to healthy.
        Path reports = sandbox.dir().resolve("reports");
        try (JenkinsCspServer server = JenkinsCspServer.serve(reports)) {
            Chromium chromium = Chromium.require();
            String text = Dom.text(chromium.dumpDom(server.underCsp("history.html")));
            String grid = text.substring(text.indexOf("Services by release"), text.indexOf("Releases that failed"));
            assertThat(grid).containsSubsequence(expectedGrid(records, archive));

            chromium.screenshot(server.withoutCsp("history.html"), reports.resolve("plain.png"), 1280, 1000);
            chromium.screenshot(server.underCsp("history.html"), reports.resolve("csp.png"), 1280, 1000);
            double difference = Screenshot.read(reports.resolve("csp.png"))
                    .differingShare(Screenshot.read(reports.resolve("plain.png")));
            System.out.printf(Locale.ROOT, "CSP pixel difference, history page of real releases: %.4f%%%n",
                    100 * difference);
            assertThat(difference).isLessThanOrEqualTo(HtmlReportCspTest.MAX_DIFFERENCE);
        }
        HtmlReportCspTest.assertNothingTheCspDrops(Files.readString(reports.resolve("history.html")));
        // deploy --history-html wrote the same grid right after the failed release.
        assertThat(Files.readString(reports.resolve("history-after-deploy.html")))
                .contains(records.stream().map(ReleaseRecord::id).toArray(String[]::new));
    }

    /** The grid's text in reading order: each service, then per release (oldest first) its word and time. */
    private static List<String> expectedGrid(List<ReleaseRecord> newestFirst, ReportArchive archive) {
        List<ReleaseRecord> columns = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(columns);
        List<String> expected = new ArrayList<>();
        columns.forEach(r -> expected.add(r.id()));
        for (String service : SERVICES) {
            expected.add(service);
            for (ReleaseRecord record : columns) {
                ServiceReport s = archive.find(record.id()).orElseThrow().services().stream()
                        .filter(r -> r.name().equals(service)).findFirst().orElseThrow();
                expected.add(s.status().value());
                if (s.readyAt() != null) {
                    expected.add("healthy in " + Format.duration(Duration.between(s.startedAt(), s.readyAt()).toMillis()));
                }
            }
        }
        return expected;
    }
}
