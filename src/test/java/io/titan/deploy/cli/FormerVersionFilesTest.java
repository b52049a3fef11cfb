package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.TitanException;
import io.titan.deploy.change.CodeHasher;
import io.titan.deploy.change.Fingerprint;
import io.titan.deploy.change.Fingerprinter;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.release.ReleaseLease;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.release.StoredApp;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.Outcome;
import io.titan.deploy.report.Reports;
import io.titan.deploy.report.ServiceReport;
import io.titan.deploy.report.ValidateReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by the version before this one are read. The fixtures under
 * {@code src/test/resources/former-version/9e7c187} were written by a real run of commit 9e7c187 (the
 * commit before hosts existed, built from a checkout of it) against real PM2 and the stand-in
 * service: three deploys (the first, one that restarted fixture-store, one that failed and was rolled
 * back), a deploy killed with SIGKILL half way ({@code unfinished/}, its record as the kill left it),
 * then {@code recover}, {@code validate}; see the README beside them. The secret fixture-store's
 * {@code STORE_TOKEN} came from {@code FIXTURE_STORE_TOKEN=s3cret-token-value}.
 *
 * <p>And a file of a newer, unknown format version is refused with a message naming both versions.
 */
class FormerVersionFilesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/former-version/9e7c187");
    private static final Map<String, String> ENVIRONMENT = Map.of("FIXTURE_STORE_TOKEN", "s3cret-token-value");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static InProcess run(String... args) {
        return InProcess.run(args);
    }

    /** A copy of a fixture folder, so that nothing a test does changes the fixtures. */
    private Path copy(String folder) throws IOException {
        Path target = dir.resolve(folder);
        Path source = FIXTURES.resolve(folder);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        return target;
    }

    @Test
    void deployReportsOfTheVersionBeforeHostsReadWithEveryServiceOnTheLocalHost() {
        DeployReport first = Reports.readDeploy(FIXTURES.resolve("reports/deploy-1.json"));
        DeployReport restart = Reports.readDeploy(FIXTURES.resolve("reports/deploy-2.json"));
        DeployReport rolledBack = Reports.readDeploy(FIXTURES.resolve("reports/deploy-3-rolled-back.json"));

        assertThat(first.releaseId()).isEqualTo("20261207T061419837Z-0000");
        assertThat(first.services()).extracting(ServiceReport::name, ServiceReport::status, ServiceReport::host)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fixture-store", ServiceStatus.DEPLOYED, "local"),
                        org.assertj.core.groups.Tuple.tuple("fixture-api", ServiceStatus.DEPLOYED, "local"));
        assertThat(restart.services()).extracting(ServiceReport::status)
                .containsExactly(ServiceStatus.DEPLOYED, ServiceStatus.UNCHANGED);
        assertThat(rolledBack.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(rolledBack.rollback().success()).isTrue();
        assertThat(rolledBack.error()).contains("fixture-api did not become healthy within 4 s");
        assertThat(rolledBack.services().get(1).stageResult()).isEqualTo("FAILURE");
        assertThat(rolledBack.services()).allMatch(s -> s.host().equals("local"));
        // Written before downtime was measured: not measured, never 0 ms.
        assertThat(rolledBack.services()).allMatch(s -> s.downtime() == null && s.restoreDowntime() == null);

        ValidateReport validate = Reports.readValidate(FIXTURES.resolve("reports/validate.json"));
        assertThat(validate.success()).isTrue();
        assertThat(validate.checks()).hasSize(2);
    }

    @Test
    void reportFromRendersAReportOfTheVersionBeforeHosts() throws IOException {
        Path html = dir.resolve("report.html");

        InProcess rendered = run("report", "--from", FIXTURES.resolve("reports/deploy-3-rolled-back.json").toString(),
                "--html", html.toString());

        assertThat(rendered.exitCode()).as(rendered.err()).isZero();
        assertThat(Files.readString(html)).contains("fixture-api").contains("20261207T061432802Z-0000");
    }

    @Test
    void releaseRecordsOfTheVersionBeforeHostsReadAndTheirAppsCanBeRestored() throws IOException {
        List<ReleaseRecord> records = new ReleaseStore(copy("state")).list();

        assertThat(records).extracting(ReleaseRecord::status).containsExactly(ReleaseRecord.Status.ROLLED_BACK,
                ReleaseRecord.Status.ROLLED_BACK, ReleaseRecord.Status.DEPLOYED, ReleaseRecord.Status.DEPLOYED);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.release()).as("a one-process deploy").isNull();
            assertThat(r.releaseId()).as("a deploy's release id is its record's").isEqualTo(r.id());
            assertThat(r.deployed().values()).extracting(StoredApp::releaseId).as("no release was kept with an app")
                    .containsOnlyNulls();
            assertThat(r.services()).containsExactly("fixture-store", "fixture-api");
            assertThat(r.actions()).isEmpty();
            assertThat(r.steps()).isEmpty();
        });
        ReleaseRecord restarted = records.get(2);
        StoredApp store = restarted.deployed().get("fixture-store");
        assertThat(store.secretEnv()).containsEntry("STORE_TOKEN", "${FIXTURE_STORE_TOKEN}");
        Pm2App app = store.toPm2App(ENVIRONMENT);
        assertThat(app.env()).containsEntry("STORE_TOKEN", "s3cret-token-value").containsEntry("SERVICE_VERSION", "2");
        assertThat(app.maxMemoryRestart()).isEqualTo("200M");
        assertThat(app.releaseId()).as("restored without a release kept with it").isNull();
        assertThat(records.get(1).previous().get("fixture-api").existed()).isTrue();
        assertThat(records.get(1).previous().get("fixture-api").app().toPm2App(ENVIRONMENT).env())
                .containsEntry("SERVICE_VERSION", "1");
    }

    @Test
    void anUnfinishedReleaseOfTheVersionBeforeHostsIsFoundForTheNextDeployToRestore() throws IOException {
        ReleaseJournal journal = new ReleaseJournal(copy("unfinished"), Clock.systemUTC());

        ReleaseRecord unfinished = journal.unfinished().orElseThrow();

        assertThat(unfinished.id()).isEqualTo("20261207T061442070Z-0000");
        assertThat(unfinished.previous().get("fixture-api").app().toPm2App(ENVIRONMENT).env())
                .containsEntry("SERVICE_VERSION", "1").doesNotContainKey("START_DELAY_MS");
        assertThat(unfinished.deployed().get("fixture-api").env()).containsEntry("START_DELAY_MS", "8000");
    }

    /**
     * Fingerprints hash as they did: the definition a record of the version before holds, with the
     * target's salt and the same code, gives the parts that version wrote, so an upgrade restarts
     * nothing; the text it kept with the app in PM2 (no format version) reads as format 1.
     */
    @Test
    void fingerprintsOfTheVersionBeforeHostsAreComputedAndReadAsThen() throws IOException {
        Path state = copy("state");
        StoredApp stored = new ReleaseStore(state).list().get(2).deployed().get("fixture-store");
        Pm2App app = stored.toPm2App(ENVIRONMENT);
        Fingerprint then = new Fingerprint(stored.fingerprint());

        Fingerprint now = new Fingerprinter(Files.readAllBytes(state.resolve("fingerprint.salt")), new CodeHasher())
                .of(app, List.of(FIXTURES.resolve("svc")), List.of());

        assertThat(now.parts()).isEqualTo(then.parts());
        String keptInPm2 = then.encode().substring("format=1;".length());
        assertThat(Fingerprint.formatOf(keptInPm2)).isEqualTo(1);
        assertThat(Fingerprint.decode(keptInPm2)).contains(then);
        assertThat(now.changesFrom(Fingerprint.decode(keptInPm2).orElseThrow())).isEmpty();
    }

    /** history shows the releases of the version before with their kept reports, as it shows its own. */
    @Test
    void historyShowsTheReleasesOfTheVersionBeforeHostsWithTheirReports() throws IOException {
        Path state = copy("state");
        copy("svc");
        Path topology = dir.resolve("titan.yaml");
        Files.writeString(topology, Files.readString(FIXTURES.resolve("titan.yaml"))
                + "stateDir: " + state + "\npm2: {home: " + dir.resolve("pm2") + ", logRotation: {enabled: false}}\n");

        InProcess history = run("history", "--config", topology.toString(), "--json");

        assertThat(history.exitCode()).as(history.err()).isZero();
        JsonNode releases = JSON.readTree(history.out());
        assertThat(releases).extracting(r -> r.path("result").asText())
                .containsExactly("rolled-back", "rolled-back", "deployed", "deployed");
        assertThat(releases).extracting(r -> r.path("id").asText()).as("each release by its record's id")
                .containsExactly("20261207T061442070Z-0000", "20261207T061432802Z-0000", "20261207T061426932Z-0000",
                        "20261207T061419837Z-0000");
        assertThat(releases).extracting(r -> r.path("hosts").toString()).as("each on the one local host")
                .allMatch(hosts -> hosts.startsWith("[{\"host\":\"local\","));
        assertThat(releases).extracting(r -> r.path("reported").asBoolean())
                .as("the killed deploy wrote no report").containsExactly(false, true, true, true);
        assertThat(releases.get(1).path("results")).extracting(r -> r.path("status").asText())
                .containsExactly("unchanged", "failed");
    }

    @Test
    void filesWrittenNowCarryTheirFormatVersion() throws IOException {
        Path state = copy("state");
        ReleaseStore store = new ReleaseStore(state);
        ReleaseRecord former = store.list().get(0);
        // As written now: a host's part of a release in steps, its apps keeping the release that started them.
        Map<String, StoredApp> deployed = new java.util.TreeMap<>(former.deployed());
        StoredApp kept = deployed.get("fixture-store");
        deployed.put("fixture-store", StoredApp.of(kept.toPm2App(ENVIRONMENT).toBuilder().releaseId("jenkins-42").build(),
                kept.secretEnv()));
        ReleaseRecord record = new ReleaseRecord(former.id(), former.startedAt(), former.finishedAt(), former.status(),
                former.pid(), former.source(), former.services(), former.previous(), deployed, former.versions(),
                former.error(), "jenkins-42", "local", former.actions(), former.steps());
        store.save(record);
        new ReleaseLease("jenkins-42", record.id(), Instant.parse("2026-12-07T10:00:00Z"), Duration.ofMinutes(5), null)
                .write(state);
        Path report = dir.resolve("report.json");
        Reports.write(report, Reports.readDeploy(FIXTURES.resolve("reports/deploy-1.json")));

        assertThat(JSON.readTree(state.resolve("releases/" + record.id() + ".json").toFile()).path("formatVersion")
                .asInt()).isEqualTo(ReleaseStore.FORMAT_VERSION).isEqualTo(2);
        assertThat(JSON.readTree(state.resolve("release.lease").toFile()).path("formatVersion").asInt())
                .isEqualTo(ReleaseLease.FORMAT_VERSION).isEqualTo(2);
        JsonNode written = JSON.readTree(report.toFile());
        assertThat(written.path("formatVersion").asInt()).isEqualTo(Reports.FORMAT_VERSION).isEqualTo(2);
        assertThat(written.path("services").get(0).path("host").asText()).isEqualTo("local");
        assertThat(new Fingerprint(Map.of("args", "e3b0c44298fc1c14")).encode()).isEqualTo("format=1;args=e3b0c44298fc1c14");
        assertThat(store.list().get(0)).isEqualTo(record);
        assertThat(store.list().get(0).releaseId()).isEqualTo("jenkins-42");
        assertThat(store.list().get(0).deployed().get("fixture-store").toPm2App(ENVIRONMENT).releaseId())
                .isEqualTo("jenkins-42");
        assertThat(JSON.readTree(state.resolve("releases/" + record.id() + ".json").toFile())
                .path("deployed").path("fixture-store").path("releaseId").asText()).isEqualTo("jenkins-42");
    }

    /** A lease written before it kept its duration and holder lasted the default and named no one. */
    @Test
    void aLeaseOfTheFirstFormatLastedTheDefaultAndNamedNoHolder() throws IOException {
        Files.writeString(dir.resolve("release.lease"),
                "{\"release\":\"jenkins-42\",\"record\":\"r\",\"expires\":\"2026-12-07T10:00:00Z\"}");

        ReleaseLease lease = ReleaseLease.read(dir).orElseThrow();

        assertThat(lease.duration()).isEqualTo(ReleaseLease.DEFAULT_DURATION);
        assertThat(lease.holder()).isNull();
        assertThat(lease.describe(Instant.parse("2026-12-07T09:00:00Z")))
                .isEqualTo("its lease runs out at 2026-12-07T10:00:00Z unless a step of its pipeline renews it");
    }

    @Test
    void aReportOfANewerFormatIsRefusedNamingBothVersions() throws IOException {
        Path newer = dir.resolve("newer.json");
        ObjectNode report = (ObjectNode) JSON.readTree(FIXTURES.resolve("reports/deploy-1.json").toFile());
        report.put("formatVersion", 3);
        JSON.writeValue(newer.toFile(), report);

        assertThatThrownBy(() -> Reports.read(newer)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(newer + ": the report is of format version 3")
                .hasMessageContaining("reads format versions 1 to 2");
        InProcess rendered = run("report", "--from", newer.toString(), "--html", dir.resolve("x.html").toString());
        assertThat(rendered.exitCode()).isEqualTo(2);
        assertThat(rendered.err()).contains("format version 3").contains("1 to 2");
        assertThat(dir.resolve("x.html")).doesNotExist();
    }

    @Test
    void aReleaseRecordOrLeaseOfANewerFormatIsRefusedNamingBothVersions() throws IOException {
        Path state = copy("state");
        Path file = state.resolve("releases/20261207T061419837Z-0000.json");
        ObjectNode record = (ObjectNode) JSON.readTree(file.toFile());
        record.put("formatVersion", 7);
        JSON.writeValue(file.toFile(), record);
        Files.writeString(state.resolve("release.lease"), "{\"formatVersion\":3,\"release\":\"jenkins-42\","
                + "\"record\":\"r\",\"expires\":\"2026-12-07T10:00:00Z\"}");

        assertThatThrownBy(() -> new ReleaseStore(state).list()).isInstanceOf(TitanException.class)
                .hasMessageContaining("cannot read release record " + file + ": it is of format version 7")
                .hasMessageContaining("reads format versions 1 to 2");
        assertThatThrownBy(() -> ReleaseLease.read(state)).isInstanceOf(TitanException.class)
                .hasMessageContaining("it is of format version 3").hasMessageContaining("1 to 2");
    }
}
