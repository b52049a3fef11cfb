package io.titan.deploy.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.config.Topology;
import io.titan.deploy.config.TopologyLoader;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.Status;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.HistoryReport;
import io.titan.deploy.report.Outcome;
import io.titan.deploy.report.ReportArchive;
import io.titan.deploy.report.ServiceReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Histories of two hosts read together from their release records and kept reports, through the
 * API ({@link TitanDeploy#keepForHistory}, {@link TitanDeploy#history}), as {@code history} without
 * {@code --host} reads them: a release in steps once, with its hosts.
 */
class ReleaseHistoryTest {

    private static final Instant T0 = Instant.parse("2026-12-07T04:00:00Z");

    @TempDir
    Path dir;

    private Topology topology;

    @BeforeEach
    void topology() throws IOException {
        Files.writeString(dir.resolve("app.js"), "");
        Path file = dir.resolve("titan.yaml");
        Files.writeString(file, """
                hosts:
                  host-a: {agent: titan-a, address: 127.0.0.2, pm2: {home: pm2-a}}
                  host-b: {agent: titan-b, address: 127.0.0.3, pm2: {home: pm2-b}}
                services:
                  shared: {host: host-a, script: app.js, port: 4100, health: {http: /health}}
                  brain:  {host: host-b, script: app.js, port: 4101, health: {http: /health}, dependsOn: [shared]}
                """);
        topology = new TopologyLoader().load(file);
    }

    /** The engine of {@code host}, its clock stopped at {@link #T0}. */
    private TitanDeploy engine(String host) {
        return TitanDeploy.forTopology(topology).host(host).clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
    }

    private HistoryReport bothHosts() {
        return engine("host-a").history(List.of("host-a", "host-b"));
    }

    /** A record as the journal writes it: {@code release} null for a deploy (or a record from before). */
    private ReleaseRecord record(String host, String id, int minute, Status status, String release, String service,
                                 String error) {
        ReleaseRecord record = new ReleaseRecord(id, T0.plusSeconds(60L * minute).toString(),
                status == Status.IN_PROGRESS ? null : T0.plusSeconds(60L * minute + 30).toString(), status, 1,
                "titan.yaml", List.of(service), Map.of(), Map.of(), Map.of(), error, release, host, Map.of(), Map.of());
        new ReleaseStore(engine(host).stateDir()).save(record);
        return record;
    }

    private static DeployReport report(String releaseId, int minute, String service, ServiceStatus status) {
        Instant start = T0.plusSeconds(60L * minute);
        boolean ok = status == ServiceStatus.DEPLOYED;
        return new DeployReport(ok, releaseId, false, ok ? null : "failed", ok ? Outcome.SUCCESS : Outcome.FAILED,
                start, start.plusSeconds(20), 20_000, null, List.of(new ServiceReport(service, status, 0, List.of(),
                        start, ok ? start.plusSeconds(2) : null, 2_000, 0, null)));
    }

    @Test
    void aReleaseInStepsShowsOnceWithEachHostAndHowItEndedThere() {
        record("host-a", "20261207T040000000Z-0000", 0, Status.DEPLOYED, "rel-1", "shared", null);
        record("host-b", "20261207T040005000Z-0000", 0, Status.DEPLOYED, "rel-1", "brain", null);
        record("host-a", "20261207T041000000Z-0000", 10, Status.ROLLED_BACK, "rel-2", "shared", "aborted");
        record("host-b", "20261207T041001000Z-0000", 10, Status.IN_PROGRESS, "rel-2", "brain", null);
        assertThat(engine("host-a").keepForHistory(report("rel-1", 0, "shared", ServiceStatus.DEPLOYED))).isEmpty();
        assertThat(engine("host-b").keepForHistory(report("rel-1", 0, "brain", ServiceStatus.DEPLOYED))).isEmpty();

        HistoryReport history = bothHosts();

        assertThat(history.releases()).extracting(HistoryReport.Release::id).containsExactly("rel-2", "rel-1");
        HistoryReport.Release rel2 = history.releases().get(0);
        assertThat(rel2.result()).as("unfinished on host-b").isEqualTo("in-progress");
        assertThat(rel2.hosts()).containsExactly(new HistoryReport.HostResult("host-a", "rolled-back", false),
                new HistoryReport.HostResult("host-b", "in-progress", false));
        assertThat(rel2.error()).isEqualTo("host-a: aborted");
        assertThat(rel2.finishedAt()).isNull();
        HistoryReport.Release rel1 = history.releases().get(1);
        assertThat(rel1.result()).isEqualTo("deployed");
        assertThat(rel1.current()).isTrue();
        assertThat(rel1.hosts()).extracting(HistoryReport.HostResult::current).containsExactly(true, true);
        assertThat(rel1.startedAt()).isEqualTo(T0);
        assertThat(rel1.results()).extracting(HistoryReport.ServiceResult::service).containsExactlyInAnyOrder("shared",
                "brain");
        assertThat(history.hosts()).isEqualTo(Map.of("shared", "host-a", "brain", "host-b"));

        HistoryReport hostB = engine("host-b").history();
        assertThat(hostB.services()).as("host-b's rows only").containsExactly("brain");
        assertThat(hostB.releases()).extracting(HistoryReport.Release::id).containsExactly("rel-2", "rel-1");
    }

    @Test
    void recordsAndReportsWrittenBeforeReleasesCarriedTheirIdReadAsTheyDid() {
        // A deploy's record names no release: its own id is the release's. A release in steps from before
        // kept its report under the record's id, naming the record's id.
        ReleaseRecord deploy = record("host-a", "20261207T040000000Z-0000", 0, Status.DEPLOYED, null, "shared", null);
        ReleaseRecord older = record("host-b", "20261207T040100000Z-0000", 1, Status.DEPLOYED, "rel-0", "brain", null);
        new ReportArchive(engine("host-b").stateDir().resolve("reports"))
                .save(older.id(), report(older.id(), 1, "brain", ServiceStatus.DEPLOYED));
        assertThat(engine("host-a").keepForHistory(report(deploy.id(), 0, "shared", ServiceStatus.DEPLOYED))).isEmpty();

        HistoryReport history = bothHosts();

        assertThat(history.releases()).extracting(HistoryReport.Release::id).containsExactly("rel-0", deploy.id());
        assertThat(history.releases()).allSatisfy(r -> assertThat(r.reported()).as(r.id()).isTrue());
    }

    @Test
    void hostsSharingAStateDirAreToldApartByTheHostEachRecordNames() throws IOException {
        Path file = dir.resolve("same.yaml");
        Files.writeString(file, Files.readString(dir.resolve("titan.yaml")).replace("pm2-b", "pm2-a"));
        topology = new TopologyLoader().load(file);
        record("host-a", "20261207T040000000Z-0000", 0, Status.DEPLOYED, "rel-1", "shared", null);
        record("host-b", "20261207T040005000Z-0000", 0, Status.ROLLED_BACK, "rel-1", "brain", "brain failed");

        HistoryReport history = bothHosts();
        HistoryReport onlyA = engine("host-a").history();

        assertThat(history.releases()).singleElement().satisfies(r -> assertThat(r.hosts()).containsExactly(
                new HistoryReport.HostResult("host-a", "deployed", true),
                new HistoryReport.HostResult("host-b", "rolled-back", false)));
        assertThat(onlyA.releases()).singleElement().satisfies(r -> {
            assertThat(r.hosts()).extracting(HistoryReport.HostResult::host).containsExactly("host-a");
            assertThat(r.result()).isEqualTo("deployed");
        });
    }
}
