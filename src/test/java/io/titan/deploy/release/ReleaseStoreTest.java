package io.titan.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.titan.deploy.release.ReleaseRecord.PreviousApp;
import io.titan.deploy.release.ReleaseRecord.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseStoreTest {

    @TempDir
    Path state;

    private static ReleaseRecord record(String id, Status status) {
        StoredApp app = new StoredApp("a", "/srv/a/index.js", "/srv/a", List.of(), Map.of("MODE", "x"),
                Map.of("TOKEN", "${TOKEN}"), 1, "300M", true, 10, 1600, 5000, 100, Map.of("code", "abc"), "r0", false, false);
        return new ReleaseRecord(id, "2026-11-26T12:00:00Z", null, status, 42, "titan.yaml", List.of("a"),
                Map.of("a", new PreviousApp(true, true, app)), Map.of("a", app), Map.of(), null, null, "local", Map.of(), Map.of());
    }

    @Test
    void keepsTheNewestTenRecordsNewestFirstReadableByTheOwnerOnly() throws Exception {
        ReleaseStore store = new ReleaseStore(state);
        for (int i = 0; i < 12; i++) {
            store.save(record(String.format("20261126T1200%02dZ-0000", i), Status.DEPLOYED));
        }

        List<ReleaseRecord> records = store.list();

        assertThat(records).hasSize(ReleaseStore.KEEP);
        assertThat(records.get(0).id()).isEqualTo("20261126T120011Z-0000");
        assertThat(records.get(9).id()).isEqualTo("20261126T120002Z-0000");
        assertThat(records.get(0)).isEqualTo(record("20261126T120011Z-0000", Status.DEPLOYED));
        Path file = state.resolve("releases/20261126T120011Z-0000.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(state.resolve("releases"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void findsTheNewestRecordOfAStatus() {
        ReleaseStore store = new ReleaseStore(state);
        store.save(record("20261126T120000Z-0000", Status.DEPLOYED));
        store.save(record("20261126T120100Z-0000", Status.ROLLED_BACK));

        assertThat(store.latest().orElseThrow().status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(store.latest(Status.DEPLOYED).orElseThrow().id()).isEqualTo("20261126T120000Z-0000");
    }

    @Test
    void idsSortByTimeToTheMillisecondAndBySequenceWithinOne() {
        ReleaseStore store = new ReleaseStore(state);
        Instant now = Instant.parse("2026-11-26T17:30:00.123Z");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = store.nextId(now);
            store.save(record(id, Status.DEPLOYED));
            ids.add(id);
        }
        // A clock that stepped back still gives an id after the newest.
        String afterStep = store.nextId(now.minusSeconds(60));
        store.save(record(afterStep, Status.DEPLOYED));
        ids.add(afterStep);
        String later = store.nextId(now.plusMillis(1));
        ids.add(later);

        assertThat(ids).containsExactly("20261126T173000123Z-0000", "20261126T173000123Z-0001",
                "20261126T173000123Z-0002", "20261126T173000123Z-0003", "20261126T173000124Z-0000");
        assertThat(ids).isSorted();
        assertThat(store.latest().orElseThrow().id()).isEqualTo(afterStep);
    }

    @Test
    void anIdOfTheOldRandomSchemeIsPassedNotExtended() {
        ReleaseStore store = new ReleaseStore(state);
        store.save(record("20261126T173000Z-7be3", Status.DEPLOYED));

        String next = store.nextId(Instant.parse("2026-11-26T17:30:00.500Z"));

        assertThat(next).isGreaterThan("20261126T173000Z-7be3");
    }

    @Test
    void storedSecretsAreTemplatesResolvedOnRestore() {
        StoredApp app = record("x", Status.DEPLOYED).deployed().get("a");

        assertThat(app.toPm2App(Map.of("TOKEN", "t0k3n")).env()).containsEntry("TOKEN", "t0k3n").containsEntry("MODE", "x");
        assertThatThrownBy(() -> app.toPm2App(Map.of()))
                .hasMessageContaining("a env TOKEN").hasMessageContaining("${TOKEN}");
    }
}
