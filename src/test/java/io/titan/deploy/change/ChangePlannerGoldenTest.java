package io.titan.deploy.change;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.config.Topology;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.Pm2Status;
import io.titan.deploy.testing.Golden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner as a pure function, with no PM2 at all: what ran (a {@link Pm2Snapshot} built here,
 * each app carrying the fingerprint it was started with) and what is wanted go in; the plan's text
 * and JSON, as {@code plan --diff} prints them, are held against golden files in
 * {@code src/test/resources/io/titan/deploy/change/}. Set {@code UPDATE_GOLDEN=1} to rewrite
 * them after a deliberate change, and read the diff.
 *
 * <pre>
 *   shared ──> brain ──> console
 *     └──────> (stand-alone: audit)
 * </pre>
 * The services and their code are laid out by {@link PlannerFixture}, which the rollback's golden
 * test plans for too.
 */
class ChangePlannerGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/io/titan/deploy/change");

    @TempDir
    Path dir;

    private PlannerFixture fixture;

    @BeforeEach
    void layout() throws IOException {
        fixture = new PlannerFixture(dir);
    }

    private Topology topology(String brainEnv, String moreServices) throws IOException {
        return fixture.topology(brainEnv, moreServices);
    }

    private Map<String, Pm2App> wanted(Topology topology) {
        return fixture.wanted(topology);
    }

    /** PM2 running {@code apps} online (except {@code stopped}), as the daemon would report them. */
    private static Pm2Snapshot running(Map<String, Pm2App> apps, Set<String> stopped) {
        Map<String, Pm2Status> statuses = new LinkedHashMap<>();
        stopped.forEach(name -> statuses.put(name, Pm2Status.STOPPED));
        return Snapshots.running(apps, statuses);
    }

    private static ChangePlan plan(Topology topology, Map<String, Pm2App> wanted, Pm2Snapshot pm2,
                                   Map<String, ProbeResult> health, boolean force, boolean removeOrphans) {
        return new ChangePlanner(topology).plan(topology.graph().plan().order(), wanted,
                new ObservedState(pm2, health), force, removeOrphans);
    }

    private static Map<String, ProbeResult> allHealthy() {
        return Map.of("titan-shared", ProbeResult.healthy("returned 200"), "titan-brain", ProbeResult.healthy("returned 200"),
                "titan-audit", ProbeResult.healthy("accepted a connection"));
    }

    @Test
    void oneEnvKeyAddedToOneServiceRestartsThatServiceAndItsRestartWithDependentOnly() throws IOException {
        Topology v1 = topology("LOG_LEVEL: info", "");
        Pm2Snapshot ran = running(wanted(v1), Set.of());
        Topology v2 = topology("LOG_LEVEL: info, EXTRA: \"1\"", "");

        ChangePlan plan = plan(v2, wanted(v2), ran, allHealthy(), false, false);

        golden("env-key-added", plan);
        assertThat(plan.of("titan-shared").orElseThrow().action()).isEqualTo(ServiceChange.Action.UNCHANGED);
        assertThat(plan.of("titan-brain").orElseThrow().reasons()).containsExactly("env EXTRA");
    }

    @Test
    void anEditInADeclaredCodePathOutsideTheFolderRestartsThatService() throws IOException {
        Topology topology = topology("LOG_LEVEL: info", "");
        Pm2Snapshot ran = running(wanted(topology), Set.of());
        fixture.editLib();

        ChangePlan plan = plan(topology, wanted(topology), ran, allHealthy(), false, false);

        golden("code-path-edited", plan);
        assertThat(plan.of("titan-brain").orElseThrow().reasons()).containsExactly("code");
    }

    @Test
    void aFreshTargetStartsEverythingAndAStoppedOrUnhealthyServiceIsStartedOrRestarted() throws IOException {
        Topology topology = topology("LOG_LEVEL: info", "");
        Map<String, Pm2App> wanted = wanted(topology);

        golden("fresh-target", plan(topology, wanted, Pm2Snapshot.empty(), Map.of(), false, false));
        Map<String, ProbeResult> health = new LinkedHashMap<>(allHealthy());
        health.put("titan-shared", ProbeResult.unhealthy("returned 503"));
        golden("stopped-and-unhealthy",
                plan(topology, wanted, running(wanted, Set.of("titan-audit")), health, false, false));
    }

    @Test
    void anAppWithoutFingerprintIsRestartedAndOrphansAreKeptOrRemoved() throws IOException {
        Topology withExtra = topology("LOG_LEVEL: info", PlannerFixture.EXTRA);
        Map<String, Pm2App> ran = new LinkedHashMap<>(wanted(withExtra));
        ran.put("titan-audit", ran.get("titan-audit").toBuilder().fingerprint(null).build());
        Topology without = topology("LOG_LEVEL: info", "");

        golden("orphans-kept", plan(without, wanted(without), running(ran, Set.of()), allHealthy(), false, false));
        golden("orphans-removed", plan(without, wanted(without), running(ran, Set.of()), allHealthy(), false, true));
        golden("forced", plan(without, wanted(without), running(ran, Set.of()), allHealthy(), true, false));
    }

    @Test
    void fingerprintsOfTheVersionBeforeFormatVersionsCompareAndOnesOfANewerFormatAreNotCompared() throws IOException {
        Topology topology = topology("LOG_LEVEL: info", "");
        Map<String, Pm2App> wanted = wanted(topology);
        Map<String, Pm2App> before = new LinkedHashMap<>();
        Map<String, Pm2App> newer = new LinkedHashMap<>();
        wanted.forEach((name, app) -> {
            assertThat(app.fingerprint()).startsWith("format=1;");
            before.put(name, app.toBuilder().fingerprint(app.fingerprint().substring("format=1;".length())).build());
            newer.put(name, app.toBuilder().fingerprint(app.fingerprint().replace("format=1;", "format=2;")).build());
        });

        ChangePlan upgraded = plan(topology, wanted, running(before, Set.of()), allHealthy(), false, false);
        ChangePlan downgraded = plan(topology, wanted, running(newer, Set.of()), allHealthy(), false, false);

        assertThat(upgraded.services()).as("nothing restarts for an upgrade of the engine")
                .allMatch(c -> c.action() == ServiceChange.Action.UNCHANGED);
        assertThat(downgraded.services()).allSatisfy(c -> assertThat(c.reasons()).first().isEqualTo(
                "running app's fingerprint is of format version 2, newer than this titan-deploy's 1: not compared"));
    }

    /** Holds the plan's text and JSON against {@code name.txt} and {@code name.json}. */
    private static void golden(String name, ChangePlan plan) throws IOException {
        String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(plan.json()) + "\n";
        Golden.compare(GOLDEN.resolve(name + ".txt"), plan.text());
        Golden.compare(GOLDEN.resolve(name + ".json"), json);
    }
}
