package io.titan.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportArchiveTest {

    @TempDir
    Path dir;

    private static DeployReport release(String id) {
        DeployReport r = SampleReports.successfulDeploy();
        return new DeployReport(true, id, false, null, Outcome.SUCCESS, r.startedAt(), r.finishedAt(), r.durationMs(),
                null, r.services());
    }

    @Test
    void keepsEachReleasesReportUnderItsIdAsLongAsItsReleaseIsRetained() throws Exception {
        ReportArchive archive = new ReportArchive(dir.resolve("reports"));
        for (int day = 1; day <= 5; day++) {
            archive.save(release("2026112" + day + "T000000Z-000" + day));
        }
        Files.writeString(dir.resolve("reports/notes.txt"), "not a report");

        archive.retain(List.of("20261123T000000Z-0003", "20261124T000000Z-0004", "20261125T000000Z-0005"));

        try (Stream<Path> files = Files.list(dir.resolve("reports"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("notes.txt",
                    "20261123T000000Z-0003.json", "20261124T000000Z-0004.json", "20261125T000000Z-0005.json");
        }
        assertThat(archive.find("20261125T000000Z-0005")).hasValueSatisfying(r ->
                assertThat(r.services()).hasSize(7));
        assertThat(archive.find("20261121T000000Z-0001")).isEmpty();
        new ReportArchive(dir.resolve("never-written")).retain(List.of());
    }

    @Test
    void anUnreadableOrForeignFileReadsAsNoReportAndIdsCannotLeaveTheFolder() throws Exception {
        ReportArchive archive = new ReportArchive(dir);
        Files.writeString(dir.resolve("torn.json"), "{\"type\":\"deploy\",\"succ");
        archive.save(release("other"));
        Files.copy(dir.resolve("other.json"), dir.resolve("renamed.json"));

        assertThat(archive.find("torn")).isEmpty();
        assertThat(archive.find("renamed")).as("a file whose report names another release").isEmpty();
        assertThat(archive.find("../etc/passwd")).isEmpty();
        assertThatThrownBy(() -> archive.save(release("../escape")))
                .hasMessageContaining("release id '../escape' cannot name a report file");
        assertThat(dir.getParent().resolve("escape.json")).doesNotExist();
    }
}
