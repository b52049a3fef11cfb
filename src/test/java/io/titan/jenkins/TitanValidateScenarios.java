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
        cli = new FakeCli(this);
        sh = cli;
        write("titan.yaml", "services: {}\n");
    }

    void canned(boolean redisUp, boolean optionalUp) {
        cli.exitCodes.put("validate", redisUp ? 0 : 1);
        cli.output.put("validate", Fixtures.validation(redisUp, optionalUp));
    }

    @Test
    void validatesTheHostItIsToldOfInATopologyWithSeveral() {
        canned(true, true);

        callStep("titanValidate", Map.of("host", "exchange-gw", "name", "gw"));

        assertThat(cli.runs).singleElement().satisfies(run -> assertThat(run).containsSubsequence("--name", "gw")
                .endsWith("--host", "exchange-gw"));
        assertThatThrownBy(() -> callStep("titanValidate", Map.of("host", 2)))
                .hasMessage("titanValidate: 'host' must be a String, got 2 (Integer)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void validatesWithDefaultsAndReturnsTheChecks() {
        canned(true, false);

        Map<String, Object> result = (Map<String, Object>) callStep("titanValidate", Map.of());

        assertThat(cli.runs).containsExactly(List.of("validate", "--config", "titan.yaml", "--name", "titan",
                "--report", "titan-reports/titan-validate.json", "--junit", "titan-reports/titan-validate-junit.xml",
                "--html", "titan-reports/titan-validate.html", "--html-inline", "titan-reports/titan-validate-email.html",
                "--events", "titan-reports/titan-validate-events.ndjson"));
        assertThat(calls("sh")).hasSize(1);
        assertThat(result).containsEntry("success", true).containsEntry("durationMs", 10030)
                .containsEntry("name", "titan");
        assertThat((List<Map<String, Object>>) result.get("checks")).hasSize(4).last()
                .isEqualTo(Map.of("name", "bybit", "kind", "websocket", "target", "wss://stream.bybit.com/v5/public/spot",
                        "required", false, "success", false, "durationMs", 10000,
                        "message", "no data message within 10 s"));
        assertThat(buildResult()).isEqualTo("SUCCESS");
        assertThat(logText()).contains("titanValidate: titan: validation passed: 4 checks, 1 optional failed");
        assertThat(calls("junit")).containsExactly("{testResults=titan-reports/titan-validate-junit.xml, "
                + "allowEmptyResults=true, skipMarkingBuildUnstable=true}");
        assertThat(calls("archiveArtifacts")).singleElement().asString()
                .contains("titan-reports/titan-validate.json", "titan-reports/titan-validate.html",
                        "titan-reports/titan-report.css")
                .doesNotContain("email");
        assertThat(calls("publishHTML")).singleElement().asString().contains("reportName=Titan validation (titan),");
    }

    @Test
    void passesEveryArgument() throws Exception {
        canned(true, true);
        write("prod.yaml", "services: {}\n");

        callStep("titanValidate", TitanDeployScenarios.args("config", "prod.yaml", "name", "eu", "quick", true,
                "pm2Home", "/srv/pm2", "cli", "/opt/titan-deploy", "reportDir", "r", "junit", false,
                "failOn", "UNSTABLE"));

        assertThat(cli.runs).containsExactly(List.of("validate", "--config", "prod.yaml", "--name", "eu quick",
                "--report", "r/eu-validate-quick.json", "--junit", "r/eu-validate-quick-junit.xml",
                "--html", "r/eu-validate-quick.html", "--html-inline", "r/eu-validate-quick-email.html",
                "--events", "r/eu-validate-quick-events.ndjson", "--quick"));
        assertThat(calls("publishHTML")).singleElement().asString().contains("reportName=Titan validation (eu, quick),");
        assertThat(cli.launchers).containsExactly("'/opt/titan-deploy'");
        assertThat(cli.environments.get(0)).containsEntry("PM2_HOME", "/srv/pm2");
        assertThat(calls("junit")).isEmpty();
    }

    @Test
    void aFailedRequiredCheckFailsTheStepByDefault() {
        canned(false, true);

        assertThatThrownBy(() -> callStep("titanValidate", Map.of()))
                .hasMessage("titanValidate: titan: 1 of 3 required checks failed: redis (connection refused)");
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
                "titanValidate: titan: 1 of 3 required checks failed: redis (connection refused)");
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
        assertThat(logText()).contains("titanValidate: titan: 1 of 3 required checks failed");
    }

    @Test
    void rejectsBadArgumentsAsTheOtherStepsDo() throws Exception {
        write("deploy/prod.yaml", "services: {}\n");
        assertThatThrownBy(() -> callStep("titanValidate", TitanDeployScenarios.args("failOn", "WARN")))
                .hasMessage("titanValidate: 'failOn' must be 'FAILURE' or 'UNSTABLE' or 'NONE', got 'WARN'");
        assertThatThrownBy(() -> callStep("titanValidate", TitanDeployScenarios.args("rollback", false)))
                .hasMessageStartingWith("titanValidate: unknown argument(s) 'rollback'");
        assertThatThrownBy(() -> callStep("titanValidate", TitanDeployScenarios.args("quick", "sometimes")))
                .hasMessage("titanValidate: 'quick' must be true or false (or the String 'true' or 'false'), "
                        + "got 'sometimes' (String)");
        assertThat(shScripts).isEmpty();
        // fileExists cannot tell a folder from a file in Jenkins (FilePath.child drops "/."): the CLI says it.
        assertThatThrownBy(() -> callStep("titanValidate", "deploy"))
                .hasMessage("titanValidate: deploy: is a directory, not a topology file: name the topology file in it");
    }

    @Test
    void takesTheTopologyFileAsOnePositionalStringAndQuickAsAString() throws Exception {
        canned(true, true);
        write("deploy/prod.yaml", "services: {}\n");

        callStep("titanValidate", "deploy/prod.yaml");
        callStep("titanValidate", TitanDeployScenarios.args("config", "deploy/prod.yaml", "quick", "TRUE"));
        callStep("titanValidate", TitanDeployScenarios.args("config", "deploy/prod.yaml", "quick", "false"));

        assertThat(cli.runs).extracting(run -> String.join(" ", run.subList(0, 5)) + (run.contains("--quick") ? " quick" : ""))
                .containsExactly("validate --config deploy/prod.yaml --name prod",
                        "validate --config deploy/prod.yaml --name prod quick quick",
                        "validate --config deploy/prod.yaml --name prod-2");
    }

    @Test
    void failsClearlyWhenNoCliCanBeFound() {
        cli.onPath = false;

        assertThatThrownBy(() -> callStep("titanValidate", Map.of()))
                .hasMessageStartingWith("titanValidate: cannot run the titan-deploy CLI at titan-deploy");
    }

    @Test
    void badInputFailsEvenAsAGate() {
        cli.exitCodes.put("validate", 2);
        cli.stderr.put("validate", "titan-deploy: titan.yaml: validation.redis.url: not a redis:// URL\n");

        assertThatThrownBy(() -> callStep("titanValidate", TitanDeployScenarios.args("failOn", "NONE")))
                .hasMessage("titanValidate: titan.yaml: validation.redis.url: not a redis:// URL");
    }
}
