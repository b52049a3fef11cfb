package io.titan.deploy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.change.ChangePlan;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.DeployOptions;
import io.titan.deploy.deploy.HostActions;
import io.titan.deploy.deploy.HostRelease;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.report.HistoryReport;
import io.titan.deploy.rollback.Rollback;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operations of the front door ({@link TitanDeploy#preview}, {@link TitanDeploy#recover},
 * {@link TitanDeploy#rollback}, {@link TitanDeploy#stop}, {@link TitanDeploy#history}) called as a
 * Java caller calls them, no CLI in between, against a real PM2 daemon of the test's own.
 */
@Integration
class TitanDeployIntegrationTest {

    private Sandbox sandbox;
    private int port;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        port = Sandbox.freePort();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** The one-service topology whose stand-in answers {@code version} on /version. */
    private Topology version(String version) {
        return sandbox.api("v" + version + ".yaml", port, "", "SERVICE_VERSION: \"" + version + "\"");
    }

    private TitanDeploy engine(Topology topology) {
        return TitanDeploy.forTopology(topology).environment(Map.of()).log(log::add).build();
    }

    private void deploy(Topology topology) {
        assertThat(engine(topology).orchestrator().deploy(DeployOptions.defaults()).success()).as(log.toString())
                .isTrue();
    }

    private String runningVersion() {
        return Sandbox.get(port, "/version").orElse("nothing answers on " + port);
    }

    @Test
    void previewSaysWhatTheNextDeployDoesWithoutStartingADaemon() {
        TitanDeploy v1 = engine(version("1"));

        ChangePlan first = v1.preview(DeployOptions.defaults());

        assertThat(first.of("api").orElseThrow().action().word()).isEqualTo("start");
        assertThat(v1.pm2Manager().isDaemonRunning()).as("a preview starts no PM2 daemon").isFalse();
        deploy(version("1"));
        assertThat(v1.preview(DeployOptions.defaults()).of("api").orElseThrow().action().word())
                .isEqualTo("unchanged");
        ChangePlan toV2 = engine(version("2")).preview(DeployOptions.defaults());
        assertThat(toV2.of("api").orElseThrow().action().word()).isEqualTo("restart");
        assertThat(toV2.of("api").orElseThrow().reasons()).containsExactly("env SERVICE_VERSION");
    }

    @Test
    void rollbackPutsBackTheReleaseBeforeAndHistorySaysSo() {
        TitanException nothing = catchThrowableOfType(TitanException.class,
                () -> engine(version("1")).rollback(Duration.ZERO, false));
        assertThat(nothing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(nothing.getMessage()).contains("nothing to roll back");
        deploy(version("1"));
        deploy(version("2"));
        assertThat(runningVersion()).contains("\"2\"");

        Rollback.Result result = engine(version("2")).rollback(Duration.ZERO, false);

        assertThat(result.success()).as(result.message()).isTrue();
        assertThat(result.actions()).containsKey("api");
        assertThat(runningVersion()).contains("\"1\"");
        HistoryReport history = engine(version("2")).history();
        assertThat(history.releases()).extracting(HistoryReport.Release::result)
                .containsExactly("rolled-back", "deployed");
    }

    @Test
    void recoverRestoresTheReleaseBeforeAnUnfinishedOneOnceItsLeaseIsTakenOver() {
        HostActions.Recovered none = engine(version("1")).recover("recover", Duration.ZERO, false);
        assertThat(none.recovered()).isFalse();
        assertThat(none.message()).isEqualTo("nothing to recover: no releases yet");
        deploy(version("1"));
        // A pipeline that began release rel-2, deployed its service and died: its lease still holds the host.
        Topology v2 = version("2");
        TitanDeploy engine = engine(v2);
        HostRelease pipeline = new HostRelease(v2, engine.host().name(), engine.pm2Manager(), engine.stateDir(),
                new EventBus(), Map.of(), Clock.systemUTC(), log::add);
        pipeline.begin("rel-2", Duration.ofMinutes(10), DeployOptions.defaults());
        assertThat(pipeline.service("rel-2", "api", null).status().name()).isEqualTo("DEPLOYED");
        assertThat(runningVersion()).contains("\"2\"");

        TitanException held = catchThrowableOfType(TitanException.class,
                () -> engine.recover("recover", Duration.ZERO, false));
        assertThat(held.exitCode()).isEqualTo(ExitCodes.LOCKED);
        assertThat(held.getMessage()).contains("rel-2");
        assertThat(runningVersion()).as("turned away, nothing changed").contains("\"2\"");

        HostActions.Recovered recovered = engine.recover("recover", Duration.ZERO, true);

        assertThat(recovered.recovered()).isTrue();
        assertThat(recovered.release()).isEqualTo("rel-2");
        assertThat(recovered.exitCode()).isZero();
        assertThat(recovered.services()).containsKey("api");
        assertThat(runningVersion()).contains("\"1\"");
        assertThat(engine.recover("recover", Duration.ZERO, false).recovered()).as("a second recover").isFalse();
    }

    @Test
    void stopDeletesTheHostsAppsDependentsFirstAndCanStopTheDaemon() {
        Path script = sandbox.standInCopy("code");
        Topology topology = sandbox.topology("two.yaml", new TopologyYaml(sandbox.pm2Home()).soak("200ms")
                .service("titan-base", script, port, List.of(), Map.of())
                .service("titan-top", script, Sandbox.freePort(), List.of("titan-base"), Map.of()).build());
        deploy(topology);
        TitanDeploy engine = engine(topology);

        Map<String, Boolean> stopped = engine.stop(false, false);

        assertThat(stopped).containsExactly(Map.entry("titan-top", true), Map.entry("titan-base", true));
        assertThat(engine.pm2Manager().processes()).isEmpty();
        Map<String, Boolean> again = engine.stop(false, true);
        assertThat(again).containsExactly(Map.entry("titan-top", false), Map.entry("titan-base", false));
        assertThat(engine.pm2Manager().isDaemonRunning()).isFalse();
    }
}
