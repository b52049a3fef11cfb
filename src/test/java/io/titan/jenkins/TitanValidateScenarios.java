package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** titanValidate, run plain by {@link TitanValidateTest} and through groovy-cps by {@link TitanValidateCpsTest}. */
abstract class TitanValidateScenarios extends PipelineTestBase {

    FakeCli cli;

    TitanValidateScenarios(boolean cps) {
        super(cps);
    }

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeCli(workspace);
        sh = cli;
        write("titan.yaml", "services: {}\n");
    }

    void canned(boolean redisUp, boolean optionalUp) {
        cli.exitCodes.put("validate", redisUp ? 0 : 1);
        cli.output.put("validate", Fixtures.validation(redisUp, optionalUp));
    }

    @Test
    @SuppressWarnings("unchecked")
    void validatesWithDefaultsAndReturnsTheChecks() {
        canned(true, false);

        Map<String, Object> result = (Map<String, Object>) callStep("titanValidate", Map.of());

        assertThat(cli.runs).containsExactly(List.of("validate", "--config", "titan.yaml",
                "--report", "titan-reports/validate.json", "--junit", "titan-reports/validate-junit.xml",
                "--html", "titan-reports/validate.html", "--html-inline", "titan-reports/validate-email.html",
                "--events", "titan-reports/validate-events.ndjson"));
        assertThat(calls("sh")).hasSize(1);
        assertThat(result).containsEntry("success", true).containsEntry("durationMs", 10030);
        assertThat((List<Map<String, Object>>) result.get("checks")).hasSize(4).last()
                .isEqualTo(Map.of("name", "bybit", "kind", "websocket", "target", "wss://stream.bybit.com/v5/public/spot",
                        "required", false, "success", false, "durationMs", 10000,
                        "message", "no data message within 10 s"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(logText()).contains("titanValidate: validation passed: 4 checks, 1 optional failed");
        assertThat(calls("junit")).containsExactly("{testResults=titan-reports/validate-junit.xml, "
                + "allowEmptyResults=true, skipMarkingBuildUnstable=true}");
        assertThat(calls("archiveArtifacts")).singleElement().asString()
                .contains("titan-reports/validate.json", "titan-reports/validate.html", "titan-reports/titan-report.css")
                .doesNotContain("email");
        assertThat(calls("publishHTML")).singleElement().asString().contains("reportName=Titan validation");
    }

    @Test
    void passesEveryArgument() throws Exception {
        canned(true, true);
        write("prod.yaml", "services: {}\n");

        callStep("titanValidate", TitanDeployScenarios.args("config", "prod.yaml", "quick", true,
                "pm2Home", "/srv/pm2", "cli", "/opt/titan-deploy", "reportDir", "r", "junit", false,
                "failOn", "UNSTABLE"));

        assertThat(cli.runs).containsExactly(List.of("validate", "--config", "prod.yaml",
                "--report", "r/validate-quick.json", "--junit", "r/validate-quick-junit.xml",
                "--html", "r/validate-quick.html", "--html-inline", "r/validate-quick-email.html",
                "--events", "r/validate-quick-events.ndjson", "--quick"));
        assertThat(cli.launchers).containsExactly("'/opt/titan-deploy'");
        assertThat(cli.environments.get(0)).containsEntry("PM2_HOME", "/srv/pm2");
        assertThat(calls("junit")).isEmpty();
    }

    @Test
    void aFailedRequiredCheckFailsTheStepByDefault() {
        canned(false, true);

        assertThatThrownBy(() -> callStep("titanValidate", Map.of()))
                .hasMessage("titanValidate: 1 of 3 required checks failed: redis (connection refused)");
        // Published before failing, so the check results are on the build page.
        assertThat(calls("junit")).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void failOnUnstableMarksTheBuildUnstableAndReturns() {
        canned(false, true);

        Map<String, Object> result = (Map<String, Object>) callStep("titanValidate",
                TitanDeployScenarios.args("failOn", "UNSTABLE"));

        assertThat(result).containsEntry("success", false);
        assertThat(buildResult()).isEqualTo("UNSTABLE");
        assertThat(calls("unstable")).containsExactly(
                "titanValidate: 1 of 3 required checks failed: redis (connection refused)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void failOnNoneIsAGate() {
        canned(false, true);

        Map<String, Object> result = (Map<String, Object>) callStep("titanValidate",
                TitanDeployScenarios.args("quick", true, "failOn", "NONE"));

        assertThat(result).containsEntry("success", false);
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(calls("unstable")).isEmpty();
        assertThat(logText()).contains("titanValidate: 1 of 3 required checks failed");
    }

    @Test
    void rejectsABadFailOnAndUnknownArguments() {
        assertThatThrownBy(() -> callStep("titanValidate", TitanDeployScenarios.args("failOn", "WARN")))
                .hasMessage("titanValidate: 'failOn' must be 'FAILURE', 'UNSTABLE' or 'NONE', got 'WARN'");
        assertThatThrownBy(() -> callStep("titanValidate", TitanDeployScenarios.args("rollback", false)))
                .hasMessageStartingWith("titanValidate: unknown argument(s) 'rollback'");
        assertThat(shScripts).isEmpty();
    }

    @Test
    void failsClearlyWhenNoCliCanBeFound() {
        cli.onPath = false;

        assertThatThrownBy(() -> callStep("titanValidate", Map.of()))
                .hasMessageStartingWith("titanValidate: cannot find the titan-deploy CLI");
    }

    @Test
    void badInputFailsEvenAsAGate() {
        cli.exitCodes.put("validate", 2);
        cli.stderr.put("validate", "titan-deploy: titan.yaml: validation.redis.url: not a redis:// URL\n");

        assertThatThrownBy(() -> callStep("titanValidate", TitanDeployScenarios.args("failOn", "NONE")))
                .hasMessage("titanValidate: titan-deploy exited 2 (bad input, nothing was changed) without a report: "
                        + "titan-deploy: titan.yaml: validation.redis.url: not a redis:// URL");
    }
}
