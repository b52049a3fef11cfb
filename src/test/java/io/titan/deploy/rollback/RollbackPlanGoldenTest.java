package io.titan.deploy.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.change.PlannerFixture;
import io.titan.deploy.change.ServiceChange.Action;
import io.titan.deploy.change.Snapshots;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.Pm2Status;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.testing.Golden;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback's plan as a pure function, as {@code ChangePlannerGoldenTest} holds a deploy's: a
 * release record written by the journal as a deploy writes it (what ran before, with its
 * fingerprints) is the desired state, a {@link Pm2Snapshot} built here is what runs; the plan's text
 * and JSON, as {@code rollback --dry-run} and {@code release abort --dry-run} print them, are held
 * against golden files in {@code src/test/resources/io/titan/deploy/rollback/} ({@code UPDATE_GOLDEN=1}
 * rewrites them).
 *
 * <pre>
 *   shared ──> brain ──> console (restartWith brain)
 *   audit (stand-alone)        extra (only in v2)
 * </pre>
 */
class RollbackPlanGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/io/titan/deploy/rollback");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private PlannerFixture fixture;

    @BeforeEach
    void layout() throws IOException {
        fixture = new PlannerFixture(dir);
    }

    private Topology topology(String brainEnv, boolean extra) throws IOException {
        return fixture.topology(brainEnv, extra ? PlannerFixture.EXTRA : "");
    }

    /** The record a release of {@code next} writes while {@code before} runs. */
    private ReleaseRecord record(String release, Topology next, Pm2Snapshot before) {
        return new ReleaseJournal(fixture.state(), CLOCK).begin(next.source(), release, "local", next.graph().plan().order(),
                before.definitions(), fixture.wanted(next), Map.of(), Map.of());
    }

    private static Map<String, Pm2App> with(Map<String, Pm2App> apps, Map<String, Pm2App> replaced) {
        Map<String, Pm2App> all = new LinkedHashMap<>(apps);
        all.putAll(replaced);
        return all;
    }

    @Test
    void aDeployedReleasePutsBackTheChangedServiceAndItsRestartWithDependentAndRemovesTheServiceItAdded()
            throws IOException {
        Topology v1 = topology("LOG_LEVEL: info", false);
        Topology v2 = topology("LOG_LEVEL: debug", true);
        Map<String, Pm2App> ran = fixture.wanted(v1);
        ReleaseRecord record = new ReleaseJournal(fixture.state(), CLOCK).deployed(
                record(null, v2, Snapshots.running(ran, Map.of())), Map.of());
        // v2 restarted brain (env), console with it (restartWith, same definition), and added extra.
        Map<String, Pm2App> runs = with(ran, Map.of("titan-brain", fixture.wanted(v2).get("titan-brain"),
                "titan-extra", fixture.wanted(v2).get("titan-extra")));

        RollbackPlan plan = RollbackPlan.of("rollback", record, "local", Snapshots.running(runs, Map.of()), v2);

        golden("rollback-deployed", plan);
        assertThat(plan.changes()).containsExactly("titan-extra", "titan-brain", "titan-console");
        assertThat(plan.plan().of("titan-brain").orElseThrow().reasons()).containsExactly("env LOG_LEVEL");
        assertThat(plan.plan().of("titan-extra").orElseThrow().action()).isEqualTo(Action.REMOVE);
    }

    @Test
    void anAbortedReleaseHalfWayStartsWhatCrashedStopsWhatWasStoppedAndLeavesWhatItNeverReached() throws IOException {
        Topology v1 = topology("LOG_LEVEL: info", false);
        Map<String, Pm2App> ran = fixture.wanted(v1);
        Pm2Snapshot before = Snapshots.running(ran, Map.of("titan-audit", Pm2Status.STOPPED));
        fixture.editLib();
        Topology v2 = topology("LOG_LEVEL: info", false);
        ReleaseRecord record = record("jenkins-42", v2, before);
        // The release started audit (same definition) and a brain with new code that crashed; console is still v1's.
        Pm2Snapshot now = Snapshots.running(with(ran, Map.of("titan-brain", fixture.wanted(v2).get("titan-brain"))),
                Map.of("titan-brain", Pm2Status.ERRORED));

        RollbackPlan plan = RollbackPlan.of("release abort", record, "local", now, v2);

        golden("abort-half-way", plan);
        assertThat(plan.plan().services()).extracting(c -> c.name() + " " + c.action().word()).containsExactly(
                "titan-audit stop", "titan-shared unchanged", "titan-brain start", "titan-console restart");
        assertThat(plan.plan().of("titan-brain").orElseThrow().reasons())
                .containsExactly("not running (PM2 status errored)", "code");
    }

    @Test
    void withThePm2DaemonGoneEverythingThatRanIsStartedAndWhatTheReleaseAddedIsLeftAbsent() throws IOException {
        Topology v1 = topology("LOG_LEVEL: info", false);
        Topology v2 = topology("LOG_LEVEL: debug", true);
        ReleaseRecord record = record(null, v2, Snapshots.running(fixture.wanted(v1), Map.of()));

        RollbackPlan plan = RollbackPlan.of("rollback", record, "local", Pm2Snapshot.empty(), v2);

        golden("daemon-gone", plan);
        assertThat(plan.changes()).containsExactly("titan-audit", "titan-shared", "titan-brain", "titan-console");
        assertThat(plan.plan().of("titan-extra").orElseThrow().action()).isEqualTo(Action.UNCHANGED);
    }

    @Test
    void anAppThisEngineDidNotStartIsComparedByItsDefinitionAndATouchedServiceIsAlwaysPutBack() throws IOException {
        Topology v1 = topology("LOG_LEVEL: info", false);
        Map<String, Pm2App> foreign = new LinkedHashMap<>();
        fixture.wanted(v1).forEach((name, a) -> foreign.put(name, a.toBuilder().fingerprint(null).build()));
        Topology v2 = topology("LOG_LEVEL: debug", false);
        ReleaseRecord record = record(null, v2, Snapshots.running(foreign, Map.of()));
        Map<String, Pm2App> now = with(foreign, Map.of("titan-audit",
                foreign.get("titan-audit").toBuilder().args(List.of("--other")).build()));

        ChangePlan plan = RollbackPlan.plan(record, record.services(), Snapshots.running(now, Map.of()),
                Set.of("titan-shared"), v2);

        assertThat(plan.services()).extracting(c -> c.name() + " " + c.action().word() + " " + c.reasons())
                .containsExactly("titan-audit restart [definition]",
                        "titan-shared restart [changed by release " + record.releaseId() + "]",
                        "titan-brain unchanged []", "titan-console unchanged []");
    }

    /** Holds the plan's text and JSON against {@code name.txt} and {@code name.json}. */
    private static void golden(String name, RollbackPlan plan) throws IOException {
        Golden.compare(GOLDEN.resolve(name + ".txt"), plan.text());
        Golden.compare(GOLDEN.resolve(name + ".json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(plan.json()) + "\n");
    }
}
