package io.titan.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    @TempDir
    Path dir;

    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void deployReportRoundTripsThroughJson() {
        DeployReport report = SampleReports.failedAndRolledBack();
        Path file = dir.resolve("deploy.json");

        Reports.write(file, report);

        assertThat(Reports.readDeploy(file)).isEqualTo(report);
        assertThat(Reports.read(file)).isEqualTo(report);
    }

    @Test
    void outputLinesRoundTripHostileAsTheyAreAndAReportKeptBeforeThemReadsWithoutAny() throws IOException {
        Path hostile = dir.resolve("hostile.json");
        Reports.write(hostile, HostileReports.deploy());
        Path old = dir.resolve("old.json");
        ObjectNode json = (ObjectNode) PLAIN.readTree(Reports.toJson(SampleReports.failedAndRolledBack()));
        json.get("services").forEach(service -> ((ObjectNode) service).remove("output"));
        Files.writeString(old, json.toString());

        // Engine lines never hold an unpaired surrogate (OutputText escapes it); one in a report from
        // elsewhere is written as '?', as Java writes every unpaired surrogate in UTF-8.
        assertThat(Reports.readDeploy(hostile).services().get(0).output()).extracting(OutputLineReport::text)
                .containsExactly(HostileReports.OUTPUT.get(0).text(), HostileReports.OUTPUT.get(1).text().replace('\ud800', '?'));
        assertThat(Reports.readDeploy(old).services()).allSatisfy(s -> assertThat(s.output()).isEmpty());
    }

    @Test
    void eachStatusRowSaysWhyItsTopologyServiceIsDownByTheReportsRule() throws IOException {
        StatusReport local = new StatusReport("titan.yaml", Instant.EPOCH, List.of(
                new ProcessReport("titan-shared", true, true, "online", 4100L, 1_000L, 0, 0, 0.1, 1L, null, "local", null),
                new ProcessReport("titan-brain", true, true, "stopped", 0L, 0L, 2, 0, 0.0, 0L, null, "local", null),
                new ProcessReport("titan-console", true, true, "online", 0L, 0L, 0, 0, 0.0, 0L, null, "local", null),
                ProcessReport.missing("titan-execution", "local"),
                new ProcessReport("legacy-feed", false, true, "stopped", 0L, 0L, 3, 0, 0.0, 0L, null, "local", null)));
        StatusReport hosts = new StatusReport("titan.yaml", Instant.EPOCH, List.of(
                new ProcessReport("titan-shared", true, true, "errored", 0L, 0L, 1, 0, 0.0, 0L, null, "host-a", null),
                ProcessReport.missing("titan-brain", "host-b")));

        for (StatusReport report : List.of(local, hosts)) {
            JsonNode rows = PLAIN.readTree(Reports.toJsonLine(report));
            Map<String, String> down = new LinkedHashMap<>();
            for (JsonNode row : rows) {
                if (!row.get("down").isNull()) {
                    down.put(row.get("name").asText(), row.get("down").asText());
                }
            }
            assertThat(down).as("what the steps read per row is what the report says").isEqualTo(report.down());
        }
        assertThat(local.down()).containsExactly(Map.entry("titan-brain", "stopped in PM2 after 2 restarts"),
                Map.entry("titan-console", "online in PM2 but without a process (pid 0)"),
                Map.entry("titan-execution", "not in PM2: never started on this target, or deleted"));
        assertThat(PLAIN.readTree(Reports.toJsonLine(local)).get(4).get("down").isNull())
                .as("an app the topology does not declare is not down").isTrue();
        assertThat(hosts.down()).containsEntry("titan-brain",
                "not in PM2 on host host-b: never started there, or deleted");
    }

    @Test
    void validateReportRoundTripsThroughJson() {
        ValidateReport report = SampleReports.validation();
        Path file = dir.resolve("validate.json");

        Reports.write(file, report);

        assertThat(Reports.readValidate(file)).isEqualTo(report);
        assertThat(Reports.read(file)).isEqualTo(report);
    }

    @Test
    void deployJsonHasExactlyTheContractFieldNamesWithNullsWrittenAndIsoInstants() throws IOException {
        JsonNode json = PLAIN.readTree(Reports.toJson(SampleReports.failedAndRolledBack()));

        assertThat(fieldNames(json)).containsExactly("type", "formatVersion", "success", "releaseId", "rolledBack", "error",
                "outcome", "startedAt", "finishedAt", "durationMs", "rollback", "services");
        assertThat(json.get("type").asText()).isEqualTo("deploy");
        assertThat(json.get("outcome").asText()).isEqualTo("rolled-back");
        assertThat(json.get("startedAt").asText()).isEqualTo("2026-11-26T03:12:04.210Z");
        assertThat(fieldNames(json.get("rollback"))).containsExactly("startedAt", "finishedAt", "success", "message");
        JsonNode brain = json.get("services").get(2);
        assertThat(fieldNames(brain)).containsExactly("name", "status", "level", "dependsOn", "startedAt", "readyAt",
                "durationMs", "restarts", "message", "host", "output", "downtime", "restoreDowntime", "stageResult");
        assertThat(fieldNames(brain.get("output").get(2))).containsExactly("stream", "time", "text");
        assertThat(brain.get("output").get(2).get("stream").asText()).isEqualTo("err");
        assertThat(brain.get("output").get(2).get("time").asText()).isEqualTo("2026-11-26T03:12:09.612Z");
        assertThat(json.get("services").get(0).get("output").isArray()).isTrue();
        assertThat(json.get("services").get(0).get("output")).isEmpty();
        assertThat(brain.get("readyAt").isNull()).isTrue();
        assertThat(brain.get("dependsOn").toString()).isEqualTo("[\"titan-shared\",\"titan-security\"]");
        assertThat(json.get("services").get(0).get("status").asText()).isEqualTo("rolled-back");
    }

    @Test
    void successfulDeployWritesErrorAndRollbackAsNull() throws IOException {
        JsonNode json = PLAIN.readTree(Reports.toJson(SampleReports.successfulDeploy()));

        assertThat(json.has("error")).isTrue();
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(json.get("rollback").isNull()).isTrue();
        assertThat(json.get("outcome").asText()).isEqualTo("success");
    }

    @Test
    void validateJsonHasExactlyTheContractFieldNames() throws IOException {
        JsonNode json = PLAIN.readTree(Reports.toJson(SampleReports.validation()));

        assertThat(fieldNames(json)).containsExactly("type", "formatVersion", "success", "startedAt", "durationMs",
                "checks");
        assertThat(fieldNames(json.get("checks").get(0)))
                .containsExactly("name", "kind", "target", "required", "success", "durationMs", "message");
        assertThat(json.get("checks").get(7).get("kind").asText()).isEqualTo("websocket");
    }

    @Test
    void recordsSerialiseWithAPlainObjectMapperToo() throws IOException {
        DeployReport report = SampleReports.successfulDeploy();

        String json = PLAIN.writeValueAsString(report);

        assertThat(PLAIN.readTree(json).get("finishedAt").asText()).isEqualTo("2026-11-26T03:12:26.910Z");
        assertThat(PLAIN.readValue(json, DeployReport.class)).isEqualTo(report);
    }

    @Test
    void readDispatchesOnTypeAndRejectsAnUnknownTypeNamingFileAndField() throws IOException {
        Path file = dir.resolve("odd.json");
        Files.writeString(file, "{\"type\":\"status\",\"success\":true}");

        assertThatThrownBy(() -> Reports.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("field 'type' is 'status', expected 'deploy' or 'validate'");
    }

    @Test
    void readRejectsAMissingTypeAndNonObjects() throws IOException {
        Path noType = dir.resolve("no-type.json");
        Files.writeString(noType, "{\"success\":true}");
        Path array = dir.resolve("array.json");
        Files.writeString(array, "[1,2]");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"type\":");

        assertThatThrownBy(() -> Reports.read(noType)).hasMessageContaining(noType + ": field 'type' is missing");
        assertThatThrownBy(() -> Reports.read(array)).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> Reports.read(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(broken + ": not valid JSON");
    }

    @Test
    void readingAValidateReportAsDeployNamesBothTypes() {
        Path file = dir.resolve("validate.json");
        Reports.write(file, SampleReports.validation());

        assertThatThrownBy(() -> Reports.readDeploy(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": field 'type' is 'validate', expected 'deploy'");
    }

    @Test
    void anInvalidStatusIsReportedWithItsPath() throws IOException {
        Path file = dir.resolve("deploy.json");
        Reports.write(file, SampleReports.successfulDeploy());
        Files.writeString(file, Files.readString(file).replaceFirst("\"deployed\"", "\"exploded\""));

        assertThatThrownBy(() -> Reports.readDeploy(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("services[0].status")
                .hasMessageContaining("unknown service status 'exploded'");
    }

    @Test
    void aMissingFieldIsReportedByName() throws IOException {
        Path file = dir.resolve("deploy.json");
        Files.writeString(file, "{\"type\":\"deploy\",\"success\":true,\"releaseId\":\"r1\",\"rolledBack\":false,"
                + "\"error\":null,\"outcome\":\"success\",\"startedAt\":\"2026-11-26T03:12:04Z\","
                + "\"durationMs\":5,\"rollback\":null,\"services\":[]}");

        assertThatThrownBy(() -> Reports.readDeploy(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finishedAt");
    }

    @Test
    void unknownFieldsFromANewerEngineAreIgnored() throws IOException {
        Path file = dir.resolve("deploy.json");
        Reports.write(file, SampleReports.successfulDeploy());
        Files.writeString(file, Files.readString(file).replaceFirst("\\{", "{\"engineVersion\":\"9.9\","));

        assertThat(Reports.readDeploy(file)).isEqualTo(SampleReports.successfulDeploy());
    }

    @Test
    void aMissingFileIsAnIoErrorNamingIt() {
        Path file = dir.resolve("absent.json");

        assertThatThrownBy(() -> Reports.read(file)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("nested/reports/deploy.json");
        Reports.write(file, SampleReports.failedAndRolledBack());
        Reports.write(file, SampleReports.successfulDeploy());

        assertThat(Reports.readDeploy(file)).isEqualTo(SampleReports.successfulDeploy());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
        assertThat(Files.readString(file)).startsWith("{\n  \"type\" : \"deploy\"");
    }

    @Test
    void contradictoryDeployReportsAreRejected() {
        DeployReport ok = SampleReports.failedAndRolledBack();

        assertThatThrownBy(() -> new DeployReport(false, "r1", false, "boom", Outcome.ROLLED_BACK, ok.startedAt(),
                ok.finishedAt(), 1, ok.rollback(), ok.services()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rolledBack=false");
        assertThatThrownBy(() -> new DeployReport(false, "r1", false, "boom", Outcome.FAILED, ok.startedAt(),
                ok.finishedAt(), 1, ok.rollback(), ok.services()))
                .hasMessageContaining("outcome is 'failed' but success=false and rollback succeeded mean 'rolled-back'");
        assertThatThrownBy(() -> new DeployReport(false, "r1", false, null, Outcome.FAILED, ok.startedAt(),
                ok.finishedAt(), 1, null, ok.services()))
                .hasMessageContaining("error must say why");
        assertThat(Outcome.from(false, new RollbackReport(ok.startedAt(), ok.finishedAt(), false, "x")))
                .isEqualTo(Outcome.ROLLBACK_FAILED);
    }

    @Test
    void validateSuccessMustAgreeWithRequiredChecks() {
        ValidateReport sample = SampleReports.validation();

        assertThatThrownBy(() -> new ValidateReport(true, sample.startedAt(), 1, sample.checks()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a required check failed");
        assertThat(sample.warnings()).extracting(CheckReport::name).containsExactly("bybit");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
