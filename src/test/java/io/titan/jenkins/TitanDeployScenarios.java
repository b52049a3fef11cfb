package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** titanDeploy, run by {@link TitanDeployTest} as plain Groovy and by {@link TitanDeployCpsTest} through groovy-cps. */
abstract class TitanDeployScenarios extends PipelineTestBase {

    FakeCli cli;

    TitanDeployScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeCli(workspace);
        sh = cli;
        write("titan.yaml", "services: {}\n");
    }

    static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    void cannedSuccess() {
        cli.output.put("deploy", Fixtures.deployed());
        cli.events.put("deploy", Fixtures.deployedEvents(false));
    }

    void cannedRollback() {
        cli.exitCodes.put("deploy", 1);
        cli.output.put("deploy", Fixtures.failedRolledBack(true));
        cli.events.put("deploy", Fixtures.failedEvents());
    }

    @Test
    void deploysWithDefaultsAndShowsOneGreenStagePerService() {
        cannedSuccess();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) callStep("titanDeploy", Map.of());

        assertThat(cli.runs).containsExactly(List.of("deploy", "--config", "titan.yaml", "--strategy", "parallel",
                "--report", "titan-reports/deploy.json", "--junit", "titan-reports/deploy-junit.xml",
                "--html", "titan-reports/deploy.html", "--events", "titan-reports/deploy-events.ndjson"));
        assertThat(cli.launchers).containsExactly("titan-deploy");
        assertThat(stageResults).containsExactly(
                Map.entry("titan-shared", "SUCCESS"), Map.entry("titan-security", "SUCCESS"),
                Map.entry("titan-brain", "SUCCESS"), Map.entry("titan-execution", "SUCCESS"),
                Map.entry("titan-console", "SUCCESS"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(result).containsEntry("success", true).containsEntry("releaseId", Fixtures.RELEASE)
                .containsEntry("rolledBack", false).containsEntry("error", null);
        assertThat(result.get("services")).asList().hasSize(5).first()
                .isEqualTo(Map.of("name", "titan-shared", "status", "deployed", "durationMs", 1200,
                        "message", "healthy"));
        assertThat(currentBuild.get("description")).isEqualTo("release " + Fixtures.RELEASE + ": 4 deployed, 1 unchanged");
        System.out.println(callStack());
    }
}
